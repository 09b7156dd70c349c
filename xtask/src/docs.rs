//! `cargo xtask docs [SPEC...]`: renders each spec to one static HTML page with Redocly's `build-docs`
//! (the pinned `@redocly/cli` that `bash .ci/install-tools` puts in `.ci-tools/`).
//!
//! Writes, under `target/docs/` (git-ignored):
//! - `<provider>.html`: the reference page of `spec/<provider>.yaml`, with Redoc's scripts inlined, so the page
//!   works offline and from `file://`;
//! - `manifest.json`: per page, the spec, its title and its operations (`operationId`, `summary`, method, path,
//!   tag), which `.ci/codegen/check-docs.mjs` looks for on the rendered pages;
//! - `index.html`: links to the pages.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, ExitCode},
};

use serde_json::{Value, json};

use crate::spec::Spec;

/// Files in `spec/` that are linter configurations, not OpenAPI documents.
const NOT_SPECS: [&str; 3] = [
    "redocly.yaml",
    ".spectral.yaml",
    ".redocly.lint-ignore.yaml",
];

/// One rendered page.
struct Page {
    provider: String,
    spec: String,
    title: String,
    operations: Vec<Value>,
}

/// Renders the specs named in `args` (every `spec/*.yaml` when empty) into `target/docs/`.
pub fn run(root: &Path, args: &[String]) -> ExitCode {
    match render_all(root, args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn render_all(root: &Path, args: &[String]) -> Result<(), String> {
    let redocly = root.join(".ci-tools/node_modules/.bin/redocly");
    if !redocly.exists() {
        return Err(format!(
            "{} is missing: run `bash .ci/install-tools` first (it installs the pinned @redocly/cli)",
            redocly.display()
        ));
    }
    let specs = if args.is_empty() {
        default_specs(root)?
    } else {
        args.iter().map(|arg| spec_path(root, arg)).collect()
    };
    // Redocly runs in the workspace root, so a relative path given from elsewhere must not change meaning.
    let specs = specs
        .iter()
        .map(|spec| std::path::absolute(spec).map_err(|e| format!("{}: {e}", spec.display())))
        .collect::<Result<Vec<_>, _>>()?;
    if specs.is_empty() {
        return Err("no spec to render".into());
    }
    let out = root.join("target").join("docs");
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    let mut pages = Vec::new();
    for spec in &specs {
        let page = render(root, &redocly, spec, &out)?;
        pages.push(page);
    }

    let manifest = json!({
        "generator": "@redocly/cli build-docs (version pinned in .ci/tools/package-lock.json)",
        "pages": pages.iter().map(|p| json!({
            "provider": p.provider,
            "page": format!("{}.html", p.provider),
            "spec": p.spec,
            "title": p.title,
            "operations": p.operations,
        })).collect::<Vec<_>>(),
    });
    write(
        &out.join("manifest.json"),
        &(serde_json::to_string_pretty(&manifest).expect("JSON values serialize") + "\n"),
    )?;
    write(&out.join("index.html"), &index_html(&pages))?;
    println!(
        "docs: {} page(s), index and manifest in {}",
        pages.len(),
        relative(root, &out)
    );
    Ok(())
}

/// Renders one spec to `<out>/<provider>.html` and lists its operations.
fn render(root: &Path, redocly: &Path, spec_file: &Path, out: &Path) -> Result<Page, String> {
    let label = relative(root, spec_file);
    let provider = spec_file
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{label}: no file name"))?
        .to_owned();
    let text = fs::read_to_string(spec_file).map_err(|e| format!("{label}: cannot read: {e}"))?;
    let spec = Spec::parse(&text).map_err(|e| format!("{label}: not YAML: {e}"))?;
    let title = spec
        .doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or(&provider)
        .to_owned();
    let operations: Vec<Value> = spec
        .operations()
        .into_iter()
        .map(|site| {
            let keys = site.location.keys();
            let text = |key: &str| site.value.get(key).and_then(Value::as_str).unwrap_or("");
            json!({
                "operationId": text("operationId"),
                "summary": text("summary"),
                "method": keys.get(2).map(String::as_str).unwrap_or(""),
                "path": keys.get(1).map(String::as_str).unwrap_or(""),
                "tag": site.value.pointer("/tags/0").and_then(Value::as_str).unwrap_or(""),
            })
        })
        .collect();
    if operations.is_empty() {
        return Err(format!("{label}: no operations"));
    }

    let page = out.join(format!("{provider}.html"));
    // A stale page must not survive a failed build.
    let _ = fs::remove_file(&page);
    let output = Command::new(redocly)
        .current_dir(root)
        .arg("build-docs")
        .arg(spec_file)
        .arg("--output")
        .arg(&page)
        .args(["--title", &title])
        // Redoc's scripts go into the page instead of being loaded from Redocly's CDN: the page then works
        // offline, from file://, and in CI, which reaches no CDN.
        .arg("--inlineBundle")
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", redocly.display()))?;
    let size = fs::metadata(&page).map(|m| m.len()).unwrap_or(0);
    if !output.status.success() || size == 0 {
        eprint!("{}", String::from_utf8_lossy(&output.stdout));
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        return Err(format!(
            "{label}: redocly build-docs failed ({})",
            output.status
        ));
    }
    println!(
        "docs: {label} -> {} ({} operations, {} KiB)",
        relative(root, &page),
        operations.len(),
        size / 1024
    );
    Ok(Page {
        provider,
        spec: label,
        title,
        operations,
    })
}

/// A small page linking the rendered references.
fn index_html(pages: &[Page]) -> String {
    let mut items = String::new();
    for page in pages {
        items.push_str(&format!(
            "  <li><a href=\"{}.html\">{}</a> <small>({}, {} operations)</small></li>\n",
            escape(&page.provider),
            escape(&page.title),
            escape(&page.spec),
            page.operations.len()
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>fulfillment-apis: API reference</title>\n</head>\n<body>\n\
         <h1>fulfillment-apis: API reference</h1>\n\
         <p>Rendered from the OpenAPI documents in <code>spec/</code> by <code>cargo xtask docs</code>.</p>\n\
         <ul>\n{items}</ul>\n</body>\n</html>\n"
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Every `spec/*.yaml` except the linter configurations, sorted.
fn default_specs(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("spec");
    let entries = fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .filter(|path| {
            path.file_name()
                .is_some_and(|name| !NOT_SPECS.iter().any(|n| name == *n))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// A path as given, or `spec/<name>.yaml` for a bare provider name such as `gooten`.
fn spec_path(root: &Path, arg: &str) -> PathBuf {
    let named = root.join("spec").join(format!("{arg}.yaml"));
    if !Path::new(arg).exists() && named.exists() {
        named
    } else {
        PathBuf::from(arg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_escapes_titles() {
        let page = Page {
            provider: "x".into(),
            spec: "spec/x.yaml".into(),
            title: "A <b> & \"c\"".into(),
            operations: vec![json!({})],
        };
        let html = index_html(&[page]);
        assert!(html.contains("A &lt;b&gt; &amp; &quot;c&quot;"));
        assert!(html.contains("<a href=\"x.html\">"));
        assert!(html.contains("1 operations"));
    }
}
