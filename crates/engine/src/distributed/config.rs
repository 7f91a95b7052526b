//! The `distributed:` section of the pipeline config, parsed strictly and checked once into
//! [`DistributedSpec`].
//!
//! ```yaml
//! distributed:
//!   workers: 3                 # or a list: ["10.0.0.5:7400", "10.0.0.6:7400"]
//!   port_base: 7400            # a count means workers on 127.0.0.1:7400, :7401, …
//!   network_port_base: 7500    # LightGBM's ports: the k-th worker of a host listens on base + k
//!   tree_learner: data         # or voting (with top_k)
//! ```
use crate::error::{EngineError, Result};
use crate::models::TreeLearner;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `workers:` — how many on this machine, or where they are.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum WorkersConfig {
    /// Workers on 127.0.0.1, control ports `port_base + i`.
    Count(u32),
    /// `host:port` of each worker's control port, in rank order.
    Addresses(Vec<String>),
}

impl<'de> Deserialize<'de> for WorkersConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = WorkersConfig;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a worker count or a list of host:port addresses")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
                u32::try_from(v).map(WorkersConfig::Count).map_err(|_| E::custom(format!("{v} workers is too many")))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
                u64::try_from(v).map_err(|_| E::custom(format!("{v} workers"))).and_then(|v| self.visit_u64(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(WorkersConfig::Addresses(out))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DistributedConfig {
    pub workers: WorkersConfig,
    /// First control port of `workers: <count>` (the workers' `--port`).
    #[serde(default = "default_port_base")]
    pub port_base: u16,
    /// First port of the training network (LightGBM's listen ports; default `port_base + 100`).
    #[serde(default)]
    pub network_port_base: Option<u16>,
    #[serde(default = "default_tree_learner")]
    pub tree_learner: TreeLearner,
    /// Voting-parallel: features each worker votes for (LightGBM `top_k`, default 20).
    #[serde(default)]
    pub top_k: Option<u32>,
    /// The address workers reach the coordinator's XGBoost tracker at (default: the address the
    /// coordinator reaches the first worker from).
    #[serde(default)]
    pub coordinator_host: Option<String>,
    /// The XGBoost tracker's port (default: any free port).
    #[serde(default)]
    pub tracker_port: Option<u16>,
    /// Seconds to connect to each worker.
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_s: u32,
    /// Seconds without a word from a worker (it sends one every second) before it counts as lost.
    #[serde(default = "default_heartbeat_timeout")]
    pub heartbeat_timeout_s: u32,
    /// LightGBM's `time_out` (minutes): how long a socket waits for a peer; XGBoost gets the same.
    #[serde(default = "default_network_timeout")]
    pub network_timeout_min: u32,
}

fn default_port_base() -> u16 {
    7400
}
fn default_tree_learner() -> TreeLearner {
    TreeLearner::Data
}
fn default_connect_timeout() -> u32 {
    10
}
fn default_heartbeat_timeout() -> u32 {
    30
}
fn default_network_timeout() -> u32 {
    10
}

/// A worker's control address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerAddress {
    pub host: String,
    pub port: u16,
}

impl std::fmt::Display for WorkerAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// The checked `distributed:` section.
#[derive(Debug, Clone, PartialEq)]
pub struct DistributedSpec {
    /// Control addresses, in rank order.
    pub workers: Vec<WorkerAddress>,
    /// LightGBM listen port of each worker.
    pub network_ports: Vec<u16>,
    pub tree_learner: TreeLearner,
    pub top_k: Option<u32>,
    pub coordinator_host: Option<String>,
    /// 0: any free port.
    pub tracker_port: u16,
    pub connect_timeout: Duration,
    pub heartbeat_timeout: Duration,
    pub network_timeout_min: u32,
}

fn invalid(msg: impl Into<String>) -> EngineError {
    EngineError::InvalidConfig(format!("distributed.{}", msg.into()))
}

/// `host:port` or `[v6]:port` (port 0 parses: a worker may listen on any free port).
pub fn parse_address(text: &str) -> std::result::Result<WorkerAddress, String> {
    let t = text.trim();
    let (host, port) = t.rsplit_once(':').ok_or_else(|| format!("'{t}' is not host:port"))?;
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format!("'{t}' has no host"));
    }
    let port: u16 = port.parse().map_err(|_| format!("'{t}': the port must be 1..=65535"))?;
    Ok(WorkerAddress { host: host.to_string(), port })
}

/// What one process can train but a distributed run cannot (yet): each needs every row or every
/// series in one place. Checked once, with the rest of the config.
pub(crate) fn check_supported(cfg: &crate::config::CheckedConfig) -> Result<()> {
    use crate::models::ModelKind;
    let unsupported = [
        (
            cfg.rows.encoding == crate::dataset::Encoding::End,
            "dataset.encoding: end (its span decoder is calibrated on every validation row at once); use bio or io",
        ),
        (cfg.model.kind() == ModelKind::Window, "model.type: window (its transform is fitted on every training row)"),
        (cfg.refit, "model.refit"),
        (cfg.search.is_some(), "model.search"),
        (!cfg.similar.is_empty(), "labels.similar (its searches look across every series)"),
        (
            cfg.distributed.as_ref().is_some_and(|d| d.tree_learner == TreeLearner::Voting)
                && cfg.model.kind() != ModelKind::Xgboost,
            "tree_learner: voting (LightGBM's voting-parallel learner left the workers with models whose saved \
             forms differ, so no one model can be published; use data)",
        ),
    ];
    match unsupported.iter().find(|(on, _)| *on) {
        Some((_, what)) => Err(invalid(format!("a distributed run cannot use {what} yet"))),
        None => Ok(()),
    }
}

const MAX_WORKERS: usize = 1024;

impl DistributedConfig {
    /// Checks the section; `series` is the number of `data.series` entries (each worker needs one).
    pub fn check(&self, series: usize) -> Result<DistributedSpec> {
        let workers: Vec<WorkerAddress> = match &self.workers {
            WorkersConfig::Count(n) => {
                let n = *n as usize;
                if n == 0 || n > MAX_WORKERS {
                    return Err(invalid(format!("workers must be within 1..={MAX_WORKERS}, got {n}")));
                }
                if usize::from(self.port_base) + n - 1 > usize::from(u16::MAX) || self.port_base == 0 {
                    return Err(invalid(format!("port_base {} leaves no room for {n} ports", self.port_base)));
                }
                (0..n).map(|i| WorkerAddress { host: "127.0.0.1".into(), port: self.port_base + i as u16 }).collect()
            }
            WorkersConfig::Addresses(list) => {
                if list.is_empty() || list.len() > MAX_WORKERS {
                    return Err(invalid(format!("workers must list 1..={MAX_WORKERS} host:port addresses")));
                }
                let mut out: Vec<WorkerAddress> = Vec::new();
                for (i, text) in list.iter().enumerate() {
                    let a = parse_address(text)
                        .and_then(|a| {
                            if a.port == 0 {
                                Err(format!("'{text}': the port must be 1..=65535"))
                            } else {
                                Ok(a)
                            }
                        })
                        .map_err(|e| invalid(format!("workers[{i}]: {e}")))?;
                    if out.iter().any(|o| o.port == a.port && o.host.eq_ignore_ascii_case(&a.host)) {
                        return Err(invalid(format!("workers[{i}]: {a} is listed twice")));
                    }
                    out.push(a);
                }
                out
            }
        };
        if workers.len() > series {
            return Err(invalid(format!(
                "workers: {} workers but data.series lists {series} file(s): each worker trains on at least one",
                workers.len()
            )));
        }
        let network_base = match self.network_port_base {
            Some(0) => return Err(invalid("network_port_base must be 1..=65535")),
            Some(p) => p,
            None => self
                .port_base
                .checked_add(100)
                .ok_or_else(|| invalid("port_base is too high for the default network_port_base (port_base + 100)"))?,
        };
        // The k-th worker of a host takes network_base + k.
        let mut network_ports = Vec::with_capacity(workers.len());
        for (i, w) in workers.iter().enumerate() {
            let k = workers[..i].iter().filter(|o| o.host.eq_ignore_ascii_case(&w.host)).count();
            let port = usize::from(network_base) + k;
            let port = u16::try_from(port)
                .map_err(|_| invalid(format!("network_port_base {network_base} leaves no port for worker {i}")))?;
            if let Some(clash) = workers.iter().find(|o| o.port == port && o.host.eq_ignore_ascii_case(&w.host)) {
                return Err(invalid(format!(
                    "network_port_base: worker {i}'s network port {port} is the control port of {clash}; move network_port_base"
                )));
            }
            network_ports.push(port);
        }
        match (self.tree_learner, self.top_k) {
            (TreeLearner::Data, Some(_)) => return Err(invalid("top_k applies to tree_learner: voting only")),
            (_, Some(k)) if k == 0 || k > 100_000 => return Err(invalid(format!("top_k must be 1..=100000, got {k}"))),
            _ => {}
        }
        if self.coordinator_host.as_deref().is_some_and(|h| h.trim().is_empty()) {
            return Err(invalid("coordinator_host is empty"));
        }
        for (key, value, range) in [
            ("connect_timeout_s", self.connect_timeout_s, 1..=3600),
            ("heartbeat_timeout_s", self.heartbeat_timeout_s, 3..=86_400),
            ("network_timeout_min", self.network_timeout_min, 1..=10_080),
        ] {
            if !range.contains(&value) {
                return Err(invalid(format!("{key} must be within {}..={}, got {value}", range.start(), range.end())));
            }
        }
        Ok(DistributedSpec {
            workers,
            network_ports,
            tree_learner: self.tree_learner,
            top_k: self.top_k,
            coordinator_host: self.coordinator_host.clone(),
            tracker_port: self.tracker_port.unwrap_or(0),
            connect_timeout: Duration::from_secs(u64::from(self.connect_timeout_s)),
            heartbeat_timeout: Duration::from_secs(u64::from(self.heartbeat_timeout_s)),
            network_timeout_min: self.network_timeout_min,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(yaml: &str, series: usize) -> Result<DistributedSpec> {
        let cfg: DistributedConfig =
            serde_yaml::from_str(yaml).map_err(|e| EngineError::InvalidConfig(e.to_string()))?;
        cfg.check(series)
    }

    #[test]
    fn a_count_means_loopback_ports() {
        let spec = check("workers: 3\nport_base: 9000", 5).unwrap();
        let addrs: Vec<String> = spec.workers.iter().map(|w| w.to_string()).collect();
        assert_eq!(addrs, ["127.0.0.1:9000", "127.0.0.1:9001", "127.0.0.1:9002"]);
        assert_eq!(spec.network_ports, [9100, 9101, 9102]);
        assert_eq!(spec.tree_learner, TreeLearner::Data);
    }

    #[test]
    fn a_list_numbers_network_ports_per_host() {
        let spec = check("workers: ['10.0.0.5:7400', '10.0.0.6:7400', '10.0.0.5:7401', '[::1]:7400']", 4).unwrap();
        assert_eq!(spec.network_ports, [7500, 7500, 7501, 7500]);
        assert_eq!(spec.workers[3].to_string(), "[::1]:7400");
    }

    #[test]
    fn bad_sections_are_named() {
        let msg = |yaml: &str, series: usize| check(yaml, series).unwrap_err().to_string();
        assert!(msg("workers: 0", 3).contains("workers must be within"));
        assert!(msg("workers: 4", 3).contains("4 workers but data.series lists 3"));
        assert!(msg("workers: ['a:1', 'A:1']", 3).contains("listed twice"));
        assert!(msg("workers: ['nohost']", 3).contains("not host:port"));
        assert!(msg("workers: ['h:0']", 3).contains("1..=65535"));
        assert!(msg("workers: 2\ntop_k: 5", 3).contains("voting only"));
        assert!(msg("workers: 2\nheartbeat_timeout_s: 1", 3).contains("heartbeat_timeout_s"));
        assert!(msg("workers: 2\nport_base: 7400\nnetwork_port_base: 7401", 3).contains("control port"));
        assert!(msg("workers: 2\nspeed: fast", 3).contains("unknown field `speed`"));
        assert!(msg("workers: true", 3).contains("a worker count or a list"));
        check("workers: 2\ntree_learner: voting\ntop_k: 5", 3).unwrap();
    }
}
