//! The document itself: the OpenAPI version, `info` and the declared tags.

use std::collections::HashSet;

use serde_json::Value;

use super::Findings;
use crate::spec::{Location, Spec, has_text};

/// `openapi` is 3.0.x, `info` is complete and every declared tag is described once.
pub fn check(spec: &Spec, findings: &mut Findings) {
    let doc = &spec.doc;
    let root = Location::root();
    match doc.get("openapi") {
        Some(Value::String(version)) if is_openapi_30(version) => {}
        // progenitor 0.15 reads only OpenAPI 3.0 documents.
        Some(other) => findings.push(
            &root.child("openapi"),
            format!("must be 3.0.x, found {other}"),
        ),
        None => findings.push(&root, "missing `openapi: 3.0.3`"),
    }

    match doc.get("info") {
        Some(info) => {
            let location = root.child("info");
            for key in ["title", "version", "description"] {
                if !has_text(info, key) {
                    findings.push(&location, format!("missing {key}"));
                }
            }
            if !info.get("contact").is_some_and(Value::is_object) {
                findings.push(&location, "missing contact");
            }
            if !info
                .get("license")
                .is_some_and(|license| has_text(license, "name"))
            {
                findings.push(&location, "missing license (with a name)");
            }
        }
        None => findings.push(&root, "missing info"),
    }

    let mut declared = HashSet::new();
    let tags = doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for (index, tag) in tags.enumerate() {
        let location = root.child("tags").child(index);
        let Some(name) = tag.get("name").and_then(Value::as_str) else {
            findings.push(&location, "tag without a name");
            continue;
        };
        if !declared.insert(name) {
            findings.push(&location, format!("tag \"{name}\" is declared twice"));
        }
        if !has_text(tag, "description") {
            findings.push(&location, format!("tag \"{name}\" has no description"));
        }
    }
}

/// True for `3.0.<patch>`.
fn is_openapi_30(version: &str) -> bool {
    version
        .strip_prefix("3.0.")
        .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::rules::fixture::{assert_findings, at, valid};

    #[test]
    fn openapi_must_be_3_0() {
        for (version, finding) in [
            (json!("3.1.0"), r#"openapi: must be 3.0.x, found "3.1.0""#),
            (json!("3.0"), r#"openapi: must be 3.0.x, found "3.0""#),
            (json!(3.0), "openapi: must be 3.0.x, found 3.0"),
        ] {
            let mut doc = valid();
            doc["openapi"] = version;
            assert_findings(doc, &[finding]);
        }
        let mut doc = valid();
        doc["openapi"] = json!("3.0.0");
        assert_findings(doc, &[]);
    }

    #[test]
    fn info_needs_title_version_description_contact_and_license() {
        let mut doc = valid();
        at(&mut doc, "/info").as_object_mut().unwrap().clear();
        assert_findings(
            doc,
            &[
                "info: missing contact",
                "info: missing description",
                "info: missing license (with a name)",
                "info: missing title",
                "info: missing version",
            ],
        );
        let mut doc = valid();
        doc["info"]["description"] = json!("  ");
        assert_findings(doc, &["info: missing description"]);
    }

    #[test]
    fn tags_are_described_and_declared_once() {
        let mut doc = valid();
        let tags = at(&mut doc, "/tags").as_array_mut().unwrap();
        tags.push(json!({"name": "Orders", "description": "Again."}));
        tags.push(json!({"name": "Carts"}));
        assert_findings(
            doc,
            &[
                "tags.1: tag \"Orders\" is declared twice",
                "tags.2: tag \"Carts\" has no description",
            ],
        );
    }
}
