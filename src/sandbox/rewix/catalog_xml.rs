//! The catalog export as XML (`products.xml`): the document's outer shape as the public clients read it
//! (`<page totalPages totalNumberOfElements pageSize lastUpdate currentPage><query/><items><item>…</item></items>
//! </page>`, tests/fixtures/real/rewix/exportProducts.response.xroads-teal.xml), written from the same page as
//! the JSON export. Inside an `<item>`, the product's fields are elements named as in the JSON form, a list is a
//! wrapper element with one child per entry (`<models><model>`, `<pictures><image>`, `<tags><tag>`), and absent
//! (null) fields are left out. Not modelled: the real export's XML-only details (`<localizations>` with
//! `<localevalue localecode>`, a tag's nested `<value>`), which the JSON form carries differently.

use serde_json::{Map, Value};

use crate::rewix::types as t;

/// The page's fields written as attributes of `<page>`, in the real export's order.
const PAGE_ATTRIBUTES: &[&str] = &[
    "currentPage",
    "pageSize",
    "totalNumberOfElements",
    "totalPages",
    "lastUpdate",
];

/// The element of one entry of a list, by the list's name (as in the real export), else the name without its
/// plural `s`, else `value`.
fn entry_name(list: &str) -> &str {
    match list {
        "pictures" | "images" => "image",
        "productLocalizations" => "localization",
        _ => list
            .strip_suffix('s')
            .filter(|s| !s.is_empty())
            .unwrap_or("value"),
    }
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn element(name: &str, value: &Value, out: &mut String) {
    match value {
        Value::Null => {}
        Value::Object(fields) => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            children(fields, out);
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        Value::Array(entries) => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            for entry in entries {
                element(entry_name(name), entry, out);
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        other => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            escape(&scalar(other).unwrap_or_default(), out);
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
}

fn children(fields: &Map<String, Value>, out: &mut String) {
    for (name, value) in fields {
        element(name, value, out);
    }
}

/// The page as the XML document of `products.xml`.
pub(crate) fn page_xml(page: &t::ProductPage) -> Result<String, serde_json::Error> {
    let fields = match serde_json::to_value(page)? {
        Value::Object(fields) => fields,
        _ => Map::new(),
    };
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#);
    out.push_str("\n<page");
    for name in PAGE_ATTRIBUTES {
        if let Some(value) = fields.get(*name).and_then(scalar) {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            escape(&value, &mut out);
            out.push('"');
        }
    }
    out.push_str("><query/><items>");
    for product in page.products() {
        if let Value::Object(product) = serde_json::to_value(product)? {
            out.push_str("<item>");
            children(&product, &mut out);
            out.push_str("</item>");
        }
    }
    out.push_str("</items></page>");
    Ok(out)
}
