//! Gooten's numbered pages (from 1, with the page count in each answer) as a `Stream`: order search
//! (`Page`/`TotalPages`) and the print-ready catalog (`Page`/`PageCount`) page the same way.

use std::future::Future;

use futures::{
    StreamExt, TryStreamExt,
    stream::{self, BoxStream},
};

use crate::error::Result;

/// One page: its number, the page count the answer gave, and its items.
pub(super) struct Numbered<T> {
    pub(super) page: i32,
    pub(super) page_count: i32,
    pub(super) items: Vec<T>,
}

/// Every page from `first`, in order: `fetch(page)` answers the page's items and the page count (absent: this is
/// the last page). Stops after the last page, and on an empty page even if the count says otherwise (no endless
/// loop); the first error ends the stream.
pub(super) fn pages<'a, T, F, Fut>(first: i32, fetch: F) -> BoxStream<'a, Result<Numbered<T>>>
where
    T: Send + 'a,
    F: FnMut(i32) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<i32>)>> + Send + 'a,
{
    stream::try_unfold((Some(first), fetch), |(next, mut fetch)| {
        let call = next.map(|page| (page, fetch(page)));
        async move {
            let Some((page, call)) = call else {
                return Ok(None);
            };
            let (items, count) = call.await?;
            let page_count = count.unwrap_or(page);
            let more = page < page_count && !items.is_empty();
            let numbered = Numbered {
                page,
                page_count,
                items,
            };
            Ok(Some((numbered, (more.then_some(page + 1), fetch))))
        }
    })
    .boxed()
}

/// The items of [`pages`], one by one.
pub(super) fn items<'a, T, F, Fut>(first: i32, fetch: F) -> BoxStream<'a, Result<T>>
where
    T: Send + 'a,
    F: FnMut(i32) -> Fut + Send + 'a,
    Fut: Future<Output = Result<(Vec<T>, Option<i32>)>> + Send + 'a,
{
    pages(first, fetch)
        .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}
