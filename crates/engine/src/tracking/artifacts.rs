//! Artifact paths the server's artifact proxy accepts, and the proxy URL of a run's artifacts.
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::{EngineError, Result};

/// Everything but RFC 3986's unreserved characters is encoded in a URL path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// An artifact directory or file name the server's artifact proxy accepts
/// (`mlflow.utils.uri.validate_path_is_safe`): relative, `/`-separated, no `..` segment, and
/// no `#`, `%` (the server percent-decodes repeatedly), `\` or control characters.
pub(super) fn check_artifact_path(path: &str) -> Result<()> {
    if path.starts_with('/')
        || path.split('/').any(|s| s == "..")
        || path.chars().any(|c| matches!(c, '#' | '%' | '\\') || c.is_control())
    {
        return Err(EngineError::InvalidArgument(format!(
            "MLflow artifact path {path:?} must be relative, '/'-separated, without '..' \
             segments and without '#', '%', '\\' or control characters"
        )));
    }
    Ok(())
}

pub(super) fn split_artifact_dir(dir: &str) -> Vec<&str> {
    dir.split('/').filter(|s| !s.is_empty() && *s != ".").collect()
}

/// The artifact-proxy URL of a run's artifact root: `mlflow-artifacts:/<exp>/<run>/artifacts`
/// (or `mlflow-artifacts://host:port/...`) →
/// `{base}/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts`.
/// An http(s) artifact URI already names the proxy. Anything else (a local path, s3://…) means
/// the server does not proxy artifacts and we cannot upload through it.
pub(super) fn artifact_proxy_url(base: &str, artifact_uri: &str) -> Result<String> {
    if let Some(rest) = artifact_uri.strip_prefix("mlflow-artifacts:") {
        let path = match rest.strip_prefix("//") {
            Some(with_authority) => with_authority.find('/').map_or("", |i| &with_authority[i..]),
            None => rest,
        };
        let path = path.trim_matches('/');
        let encoded: Vec<String> = path.split('/').map(encode_segment).collect();
        return Ok(format!("{base}/api/2.0/mlflow-artifacts/artifacts/{}", encoded.join("/")));
    }
    let lower = artifact_uri.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://"))
        && artifact_uri.contains("/api/2.0/mlflow-artifacts/artifacts")
    {
        return Ok(artifact_uri.trim_end_matches('/').to_string());
    }
    Err(EngineError::Tracking(format!(
        "MLflow artifact upload: the run's artifact URI is {artifact_uri:?}, which the server does \
         not proxy; start `mlflow server` with --serve-artifacts (the default) and log to an \
         experiment created by that server (artifact location mlflow-artifacts:/…)"
    )))
}

/// `segment` percent-encoded for one URL path segment (`/` included).
pub(super) fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls() {
        let base = "http://127.0.0.1:5000";
        assert_eq!(
            artifact_proxy_url(base, "mlflow-artifacts:/1/abc/artifacts").unwrap(),
            "http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts"
        );
        assert_eq!(
            artifact_proxy_url(base, "mlflow-artifacts://h:1/2/abc/artifacts").unwrap(),
            "http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/2/abc/artifacts"
        );
        assert_eq!(artifact_proxy_url(base, "/tmp/mlruns/1/abc/artifacts").unwrap_err().code(), "TRACKING_FAILED");
        assert_eq!(encode_segment("a b%/c"), "a%20b%25%2Fc");
        assert_eq!(encode_segment("model-1_v2.~txt"), "model-1_v2.~txt");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }
}
