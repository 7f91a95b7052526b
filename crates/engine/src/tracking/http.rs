//! One REST call to the tracking server: the request, its retries, and the mapping of a failure
//! to [`ServerError`] (an MLflow API error keeps its `error_code`, so callers can accept e.g.
//! `RESOURCE_ALREADY_EXISTS`).
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::client::{MlflowClient, CONNECT_TIMEOUT};
use super::keys::truncate_chars;
use crate::error::EngineError;

pub(super) enum Body<'a> {
    Empty,
    Json(&'a Value),
    File(&'a Path),
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Method {
    Get,
    Post,
    Put,
}

impl MlflowClient {
    pub(super) fn api(&self, endpoint: &str) -> String {
        format!("{}/api/2.0/mlflow/{endpoint}", self.base)
    }

    pub(super) fn post(&self, endpoint: &str, what: &str, body: &Value) -> std::result::Result<Value, ServerError> {
        self.call(what, Method::Post, &self.api(endpoint), &[], Body::Json(body))
    }

    /// One REST call; retries (briefly) only the statuses that mean "not processed, try again"
    /// (429/502/503/504) and, once, a connection reset under a reused keep-alive connection.
    /// Other transport errors are not retried: an unreachable server fails fast.
    pub(super) fn call(
        &self,
        what: &str,
        method: Method,
        url: &str,
        query: &[(&str, &str)],
        body: Body<'_>,
    ) -> std::result::Result<Value, ServerError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (status, text) = match self.send_once(what, method, url, query, &body) {
                Ok(r) => r,
                // A pooled keep-alive connection the server had already closed: once more, on
                // a fresh connection.
                Err(ServerError::Reset(_)) if attempt == 1 => continue,
                Err(e) => return Err(e),
            };
            if (200..300).contains(&status) {
                if text.trim().is_empty() {
                    return Ok(Value::Object(Default::default()));
                }
                return serde_json::from_str(&text).map_err(|e| {
                    ServerError::Other(format!(
                        "MLflow {what}: HTTP {status} but the response is not JSON ({e}): {}",
                        snippet(&text)
                    ))
                });
            }
            if matches!(status, 429 | 502 | 503 | 504) && attempt < 3 {
                std::thread::sleep(Duration::from_millis(500 * attempt));
                continue;
            }
            let parsed: Option<Value> = serde_json::from_str(&text).ok();
            let code = parsed.as_ref().and_then(|v| v["error_code"].as_str()).unwrap_or("").to_string();
            let message = parsed
                .as_ref()
                .and_then(|v| v["message"].as_str().or(v["detail"].as_str()))
                .map(snippet)
                .unwrap_or_else(|| snippet(&text));
            let code_part = if code.is_empty() { String::new() } else { format!(" {code}") };
            return Err(ServerError::Api {
                code,
                text: format!("MLflow {what} failed: HTTP {status}{code_part}: {message}"),
            });
        }
    }

    fn send_once(
        &self,
        what: &str,
        method: Method,
        url: &str,
        query: &[(&str, &str)],
        body: &Body<'_>,
    ) -> std::result::Result<(u16, String), ServerError> {
        let transport = |e: ureq::Error| {
            let reset = matches!(&e, ureq::Error::Io(io) if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
            ));
            let hint = match &e {
                ureq::Error::TlsRequired | ureq::Error::Tls(_) => {
                    " (this build has no TLS: use an http:// tracking URI, e.g. a TLS-terminating \
                     proxy on loopback)"
                        .to_string()
                }
                ureq::Error::Timeout(_) => {
                    format!(" (connect timeout {}s)", CONNECT_TIMEOUT.as_secs())
                }
                _ => String::new(),
            };
            let msg = format!("MLflow {what} failed: cannot reach the tracking server at {}: {e}{hint}", self.base);
            if reset {
                ServerError::Reset(msg)
            } else {
                ServerError::Other(msg)
            }
        };
        let response = match method {
            Method::Get => {
                let mut req = self.agent.get(url);
                for (k, v) in query {
                    req = req.query(*k, *v);
                }
                if let Some(auth) = &self.auth {
                    req = req.header("Authorization", auth);
                }
                req.call()
            }
            Method::Post | Method::Put => {
                let mut req = if method == Method::Post { self.agent.post(url) } else { self.agent.put(url) };
                for (k, v) in query {
                    req = req.query(*k, *v);
                }
                if let Some(auth) = &self.auth {
                    req = req.header("Authorization", auth);
                }
                match body {
                    Body::Empty => req.send_empty(),
                    Body::Json(v) => req
                        .header("Content-Type", "application/json")
                        .send(serde_json::to_vec(v).expect("JSON values serialise")),
                    Body::File(path) => {
                        let file = crate::files::open(path, crate::files::ARTIFACT).map_err(ServerError::Local)?.file;
                        // Connection: close — when the server answers an upload early (an
                        // error) the connection is left mid-body and must not be reused.
                        req.header("Content-Type", "application/octet-stream").header("Connection", "close").send(file)
                    }
                }
            }
        };
        let mut response = response.map_err(transport)?;
        let status = response.status().as_u16();
        let text = response.body_mut().with_config().limit(64 * 1024 * 1024).read_to_string().map_err(transport)?;
        Ok((status, text))
    }
}

/// A failed call: an MLflow API error (with its `error_code`, so callers can accept e.g.
/// `RESOURCE_ALREADY_EXISTS`), any other server/transport failure, or a local I/O error.
pub(super) enum ServerError {
    Api {
        code: String,
        text: String,
    },
    Other(String),
    /// The connection was reset / closed under us (retried once).
    Reset(String),
    Local(EngineError),
}

impl ServerError {
    pub(super) fn into_engine(self) -> EngineError {
        match self {
            ServerError::Api { text, .. } | ServerError::Other(text) | ServerError::Reset(text) => {
                EngineError::Tracking(text)
            }
            ServerError::Local(e) => e,
        }
    }
}

/// At most 500 characters of a server's answer, for an error message.
pub(super) fn snippet(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 500 {
        format!("{}…", truncate_chars(s, 500))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracking::RunRecord;

    #[test]
    fn https_without_tls_says_so() {
        // Something listening, so the TCP connect succeeds and TLS is what's missing.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let c = MlflowClient::new(&format!("https://127.0.0.1:{port}")).unwrap();
        let run = RunRecord { experiment: "e".into(), run_name: "r".into(), ..Default::default() };
        let err = c.log_run(&run).unwrap_err();
        assert_eq!(err.code(), "TRACKING_FAILED");
        // (Should a TLS backend ever be enabled, the handshake with this plain listener fails.)
        assert!(err.to_string().to_lowercase().contains("tls"), "{err}");
    }
}
