//! A small RFC 6570 URI template expander, for the link templates Bootic's answers carry (`btc:orders`
//! `…/orders{?page,per_page,…}`, `btc:products` `…/products?shop_ids=47{&q,…}`, `btc:order` `…/orders/{id}`).
//!
//! It implements levels 1 to 3 (every operator: none, `+`, `#`, `.`, `/`, `;`, `?`, `&`) and the level 4
//! modifiers (`:n` prefix, `*` explode); a variable's value is a string or a list (a list expands
//! comma-joined, `status=closed,shipped`, the form Bootic's list filters take). Associative (key/value) values
//! are not supported: Bootic's templates never need them. A malformed template is an error, never a guess.

use std::collections::BTreeMap;

/// A variable's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// A single string.
    String(String),
    /// A list of strings (RFC 6570 "list"); an empty list is undefined.
    List(Vec<String>),
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::String(value.to_string())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::String(value)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct VarSpec {
    name: String,
    prefix: Option<usize>,
    explode: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Expression {
        operator: Option<char>,
        vars: Vec<VarSpec>,
    },
}

/// A parsed URI template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UriTemplate {
    parts: Vec<Part>,
}

/// How an operator expands (RFC 6570 appendix A).
struct Rules {
    first: &'static str,
    separator: char,
    named: bool,
    if_empty: &'static str,
    allow_reserved: bool,
}

fn rules(operator: Option<char>) -> Rules {
    let r = |first, separator, named, if_empty, allow_reserved| Rules {
        first,
        separator,
        named,
        if_empty,
        allow_reserved,
    };
    match operator {
        Some('+') => r("", ',', false, "", true),
        Some('#') => r("#", ',', false, "", true),
        Some('.') => r(".", '.', false, "", false),
        Some('/') => r("/", '/', false, "", false),
        Some(';') => r(";", ';', true, "", false),
        Some('?') => r("?", '&', true, "=", false),
        Some('&') => r("&", '&', true, "=", false),
        _ => r("", ',', false, "", false),
    }
}

fn valid_name(name: &str) -> bool {
    // varchar = ALPHA / DIGIT / "_" / pct-encoded, joined by "."; Bootic's names are plain.
    !name.is_empty()
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '%')
}

impl UriTemplate {
    /// Parses a template; an unclosed or empty expression, an unknown operator or a bad variable name is an
    /// error naming the problem.
    pub(crate) fn parse(template: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find(['{', '}']) {
            if rest.as_bytes()[open] == b'}' {
                return Err(format!("unmatched '}}' in the URI template {template:?}"));
            }
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("unclosed expression in the URI template {template:?}"))?;
            let mut body = &after[..close];
            let operator = match body.chars().next() {
                Some(c @ ('+' | '#' | '.' | '/' | ';' | '?' | '&')) => {
                    body = &body[1..];
                    Some(c)
                }
                Some('=' | ',' | '!' | '@' | '|') => {
                    return Err(format!(
                        "reserved operator in the URI template {template:?}"
                    ));
                }
                _ => None,
            };
            let mut vars = Vec::new();
            for spec in body.split(',') {
                let (name, explode, prefix) = if let Some(name) = spec.strip_suffix('*') {
                    (name, true, None)
                } else if let Some((name, length)) = spec.split_once(':') {
                    let length: usize = length
                        .parse()
                        .ok()
                        .filter(|n| (1..10_000).contains(n))
                        .ok_or_else(|| {
                            format!("bad prefix length in the URI template {template:?}")
                        })?;
                    (name, false, Some(length))
                } else {
                    (spec, false, None)
                };
                if !valid_name(name) {
                    return Err(format!(
                        "bad variable name {name:?} in the URI template {template:?}"
                    ));
                }
                vars.push(VarSpec {
                    name: name.to_string(),
                    prefix,
                    explode,
                });
            }
            parts.push(Part::Expression { operator, vars });
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        Ok(UriTemplate { parts })
    }

    /// Every variable the template declares, in order.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .flat_map(|part| match part {
                Part::Literal(_) => [].iter(),
                Part::Expression { vars, .. } => vars.iter(),
            })
            .map(|v| v.name.as_str())
    }

    /// True when the template declares `name`.
    pub(crate) fn declares(&self, name: &str) -> bool {
        self.variables().any(|v| v == name)
    }

    /// Expands the template; variables without a value (or with an empty list) are left out, as RFC 6570 says.
    pub(crate) fn expand(&self, values: &BTreeMap<String, Value>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => encode_into(&mut out, text, true),
                Part::Expression { operator, vars } => {
                    expand_expression(&mut out, rules(*operator), vars, values);
                }
            }
        }
        out
    }
}

fn expand_expression(
    out: &mut String,
    rules: Rules,
    vars: &[VarSpec],
    values: &BTreeMap<String, Value>,
) {
    let mut first = true;
    let mut start = |out: &mut String| {
        if first {
            out.push_str(rules.first);
            first = false;
        } else {
            out.push(rules.separator);
        }
    };
    for var in vars {
        let Some(value) = values.get(&var.name) else {
            continue;
        };
        match value {
            Value::String(text) => {
                start(out);
                let text = match var.prefix {
                    Some(n) => text.chars().take(n).collect(),
                    None => text.clone(),
                };
                if rules.named {
                    out.push_str(&var.name);
                    if text.is_empty() {
                        out.push_str(rules.if_empty);
                        continue;
                    }
                    out.push('=');
                }
                encode_into(out, &text, rules.allow_reserved);
            }
            Value::List(items) if items.is_empty() => {}
            Value::List(items) => {
                start(out);
                if var.explode {
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(rules.separator);
                        }
                        if rules.named {
                            out.push_str(&var.name);
                            if item.is_empty() {
                                out.push_str(rules.if_empty);
                                continue;
                            }
                            out.push('=');
                        }
                        encode_into(out, item, rules.allow_reserved);
                    }
                } else {
                    if rules.named {
                        out.push_str(&var.name);
                        out.push('=');
                    }
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        encode_into(out, item, rules.allow_reserved);
                    }
                }
            }
        }
    }
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn is_reserved(b: u8) -> bool {
    matches!(
        b,
        b':' | b'/'
            | b'?'
            | b'#'
            | b'['
            | b']'
            | b'@'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
    )
}

/// Percent-encodes `text` (UTF-8) into `out`; with `allow_reserved` (the `+` and `#` operators, and literals)
/// reserved characters and existing `%XX` triplets pass through.
fn encode_into(out: &mut String, text: &str, allow_reserved: bool) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let triplet = allow_reserved
            && b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if triplet {
            out.push_str(&text[i..i + 3]);
            i += 3;
            continue;
        }
        if is_unreserved(b) || (allow_reserved && is_reserved(b)) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect()
    }

    fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| (*s).to_string()).collect())
    }

    /// The examples of RFC 6570 section 1.2 and 3.2 for the values below.
    #[test]
    fn rfc_6570_examples() {
        let values = vars(&[
            ("var", "value".into()),
            ("hello", "Hello World!".into()),
            ("path", "/foo/bar".into()),
            ("empty", "".into()),
            ("x", "1024".into()),
            ("y", "768".into()),
            ("list", list(&["red", "green", "blue"])),
        ]);
        let cases = [
            ("{var}", "value"),
            ("{hello}", "Hello%20World%21"),
            ("{+var}", "value"),
            ("{+hello}", "Hello%20World!"),
            ("{+path}/here", "/foo/bar/here"),
            ("here?ref={+path}", "here?ref=/foo/bar"),
            ("{#var}", "#value"),
            ("{#hello}", "#Hello%20World!"),
            ("map?{x,y}", "map?1024,768"),
            ("{x,hello,y}", "1024,Hello%20World%21,768"),
            ("{+x,hello,y}", "1024,Hello%20World!,768"),
            ("{#x,hello,y}", "#1024,Hello%20World!,768"),
            ("X{.var}", "X.value"),
            ("X{.x,y}", "X.1024.768"),
            ("{/var}", "/value"),
            ("{/var,x}/here", "/value/1024/here"),
            ("{;x,y}", ";x=1024;y=768"),
            ("{;x,y,empty}", ";x=1024;y=768;empty"),
            ("{?x,y}", "?x=1024&y=768"),
            ("{?x,y,empty}", "?x=1024&y=768&empty="),
            ("?fixed=yes{&x}", "?fixed=yes&x=1024"),
            ("{&x,y,empty}", "&x=1024&y=768&empty="),
            ("{var:3}", "val"),
            ("{list}", "red,green,blue"),
            ("{list*}", "red,green,blue"),
            ("{?list}", "?list=red,green,blue"),
            ("{?list*}", "?list=red&list=green&list=blue"),
            ("{/list*}", "/red/green/blue"),
            ("{?undefined}", ""),
            ("{?undefined,x}", "?x=1024"),
        ];
        for (template, expected) in cases {
            let parsed = UriTemplate::parse(template).unwrap();
            assert_eq!(parsed.expand(&values), expected, "{template}");
        }
    }

    #[test]
    fn bootic_templates_expand_with_underscore_filters() {
        let orders = UriTemplate::parse(
            "https://api.bootic.net/v1/shops/47/orders{?page,per_page,q,status,created_on_gte,total_lte,sort}",
        )
        .unwrap();
        assert!(orders.declares("created_on_gte") && !orders.declares("created_on.gte"));
        let values = vars(&[
            ("status", list(&["closed", "shipped"])),
            ("created_on_gte", "2024-03-01".into()),
            ("q", "joe@bloggs.com".into()),
            ("sort", "created_on.desc".into()),
        ]);
        assert_eq!(
            orders.expand(&values),
            "https://api.bootic.net/v1/shops/47/orders?q=joe%40bloggs.com&status=closed,shipped\
             &created_on_gte=2024-03-01&sort=created_on.desc"
        );
        assert_eq!(
            orders.expand(&BTreeMap::new()),
            "https://api.bootic.net/v1/shops/47/orders"
        );
        let products =
            UriTemplate::parse("https://api.bootic.net/v1/products?shop_ids=47{&q,page}").unwrap();
        assert_eq!(
            products.expand(&vars(&[("page", "2".into())])),
            "https://api.bootic.net/v1/products?shop_ids=47&page=2"
        );
        let order = UriTemplate::parse("https://api.bootic.net/v1/shops/47/orders/{id}").unwrap();
        assert_eq!(
            order.expand(&vars(&[("id", "a/b c".into())])),
            "https://api.bootic.net/v1/shops/47/orders/a%2Fb%20c"
        );
        assert_eq!(orders.variables().count(), 7);
    }

    #[test]
    fn malformed_templates_are_errors() {
        for bad in [
            "x{?page", "x}", "{}", "{?a,,b}", "{=x}", "{a b}", "{x:0}", "{x:abc}",
        ] {
            assert!(UriTemplate::parse(bad).is_err(), "{bad}");
        }
        // Literal text outside expressions passes through (reserved characters kept, others encoded).
        let t = UriTemplate::parse("https://h/p?a=1&b=%2F c").unwrap();
        assert_eq!(t.expand(&BTreeMap::new()), "https://h/p?a=1&b=%2F%20c");
    }
}
