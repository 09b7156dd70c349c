//! The image file store (`POST /images`, multipart/form-data), which the generator leaves out.

use bytes::Bytes;

use crate::{
    Provider,
    error::{Error, Result},
};

use super::{Client, types};

/// The multipart field Gooten reads (`components/schemas/ImageUploadRequest` of the spec).
const FIELD: &str = "Images";
const OPERATION: &str = "uploadImages";

/// One image file to upload.
#[derive(Clone)]
pub struct ImageFile {
    file_name: String,
    content_type: String,
    bytes: Bytes,
}

impl ImageFile {
    /// An image with an explicit media type (`image/png`, `image/jpeg`, ...).
    pub fn new(
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        bytes: impl Into<Bytes>,
    ) -> Self {
        ImageFile {
            file_name: file_name.into(),
            content_type: content_type.into(),
            bytes: bytes.into(),
        }
    }
    /// A JPEG image.
    pub fn jpeg(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        ImageFile::new(file_name, "image/jpeg", bytes)
    }
    /// A PNG image.
    pub fn png(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        ImageFile::new(file_name, "image/png", bytes)
    }
}

impl std::fmt::Debug for ImageFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl Client {
    /// Stores image files temporarily; the answer gives a URL per file, usable as an order item's image.
    /// Sent once (an upload is not idempotent).
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::gooten::Client) -> fulfillment_apis::Result<()> {
    /// use fulfillment_apis::gooten::ImageFile;
    /// let png = std::fs::read("art.png").expect("art.png");
    /// let stored = client.upload_images(vec![ImageFile::png("art.png", png)]).await?;
    /// println!("{:?}", stored.images.first().and_then(|i| i.url.as_deref()));
    /// # Ok(()) }
    /// ```
    pub async fn upload_images(&self, files: Vec<ImageFile>) -> Result<types::ImageUploadResponse> {
        let invalid = |message: String| {
            Error::invalid_request(message)
                .with_provider(Provider::Gooten)
                .with_operation(OPERATION)
        };
        if files.is_empty() {
            return Err(invalid("no image to upload".into()));
        }
        let mut form = reqwest::multipart::Form::new();
        for file in files {
            if !file.content_type.starts_with("image/") {
                return Err(invalid(format!(
                    "{} is {}, not an image",
                    file.file_name, file.content_type
                )));
            }
            let part = reqwest::multipart::Part::stream(reqwest::Body::from(file.bytes))
                .file_name(file.file_name)
                .mime_str(&file.content_type)
                .map_err(|e| invalid(format!("bad media type: {e}")))?;
            form = form.part(FIELD, part);
        }
        let url = format!("{}/images", self.api().baseurl());
        let request = self
            .runtime()
            .http()
            .post(url)
            .multipart(form)
            .build()
            .map_err(|e| {
                invalid("cannot build the upload request".into()).with_source(e.without_url())
            })?;
        self.runtime()
            .call_raw_json(OPERATION, "ImageUploadResponse", request)
            .await
    }
}
