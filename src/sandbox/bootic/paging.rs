//! Paging shared by the Bootic fake's lists (orders, products, contacts): which items a page holds, how many
//! pages there are, and the links to other pages of the product and contact lists.

use super::{Query, link, t};

/// One page of a list of `total` matching items.
pub(super) struct Page {
    /// The page number, from 1.
    pub(super) number: usize,
    /// Items per page (at least 1).
    pub(super) size: usize,
    /// The last page (1 for an empty list).
    pub(super) last: usize,
}

impl Page {
    pub(super) fn new(number: usize, size: usize, total: usize) -> Self {
        Page {
            number,
            size,
            last: total.div_ceil(size).max(1),
        }
    }

    /// The items of this page among `matching`.
    pub(super) fn of<'a, T>(&self, matching: &'a [T]) -> impl Iterator<Item = &'a T> {
        matching
            .iter()
            .skip((self.number - 1).saturating_mul(self.size))
            .take(self.size)
    }

    /// The page number as the list's `page` field.
    pub(super) fn number_i32(&self) -> i32 {
        i32::try_from(self.number).unwrap_or(i32::MAX)
    }

    /// The page size as the list's `per_page` field.
    pub(super) fn size_i32(&self) -> i32 {
        i32::try_from(self.size).unwrap_or(i32::MAX)
    }
}

/// The link to page `n` of the list at `{root}/{path}`: the caller's query with `page` replaced (last).
pub(super) fn page_link(root: &str, path: &str, query: &Query, n: usize) -> t::HalLink {
    let mut url = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in query.pairs().filter(|(name, _)| *name != "page") {
        url.append_pair(name, value);
    }
    url.append_pair("page", &n.to_string());
    link(format!("{root}/{path}?{}", url.finish()))
}
