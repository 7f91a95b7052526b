//! The `model:` section of a pipeline config: one type per model family, holding exactly the keys
//! that family reads, each checked once into the family's parameters ([`ParamGuard`], linfa's
//! `param_guard` shape). A family's struct is the one list of its keys: [`family_keys`] reads
//! them from serde, for the config's "does not apply" check and the addon's `modelConfigKeys`.
use super::{BoostedTreeParams, ForestParams, ModelKind, ModelParams, WindowParams};
use crate::config::SearchConfig;
use crate::error::{EngineError, Result};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize};

/// Unchecked settings as a config gives them. `check` fills in the defaults and validates every
/// value once, giving the parameters a fit takes (which are valid by construction).
pub trait ParamGuard {
    type Checked;
    fn check(&self, seed: u64) -> Result<Self::Checked>;
}

/// Gradient-boosted trees, LightGBM `gbdt` (`type: lightgbm`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LightgbmConfig {
    /// Boosting rounds (default 200).
    #[serde(default)]
    pub rounds: Option<u32>,
    /// In (0, 1] (default 0.1).
    #[serde(default)]
    pub learning_rate: Option<f64>,
    /// 2..=131072 (default 31).
    #[serde(default)]
    pub num_leaves: Option<u32>,
    /// 0 = unlimited (the default), at most 64.
    #[serde(default)]
    pub max_depth: Option<u32>,
    /// LightGBM `min_data_in_leaf` (default 20).
    #[serde(default)]
    pub min_samples_leaf: Option<u32>,
    /// Bagging fraction, in (0, 1] (default 1).
    #[serde(default)]
    pub row_subsample: Option<f64>,
    /// Feature fraction per tree, in (0, 1] (default 1).
    #[serde(default)]
    pub feature_subsample: Option<f64>,
    /// L2 regularisation, >= 0 (default 1).
    #[serde(default)]
    pub l2: Option<f64>,
    #[serde(default)]
    pub early_stopping_rounds: Option<u32>,
    /// Threads for the model library; default: half the cores (at least 1, at most 8), which
    /// keeps LightGBM's OpenMP threads from fighting the engine's own and other processes.
    #[serde(default)]
    pub threads: Option<u32>,
    /// After the fit (and early stopping) chose the rounds, train again on train + validation
    /// with those rounds and register that model. Validation metrics and the decoding thresholds
    /// come from the first fit; the test set is scored with the refit model.
    #[serde(default)]
    pub refit: bool,
    /// A small hyper-parameter search before the fit (`crate::search`).
    #[serde(default)]
    pub search: Option<SearchConfig>,
}

impl ParamGuard for LightgbmConfig {
    type Checked = BoostedTreeParams;
    fn check(&self, seed: u64) -> Result<BoostedTreeParams> {
        Booster {
            rounds: self.rounds,
            learning_rate: self.learning_rate,
            num_leaves: self.num_leaves,
            max_depth: self.max_depth.unwrap_or(0),
            min_samples_leaf: self.min_samples_leaf,
            min_child_weight: None,
            row_subsample: self.row_subsample,
            feature_subsample: self.feature_subsample,
            l2: self.l2,
            early_stopping_rounds: self.early_stopping_rounds,
            threads: self.threads,
        }
        .check(seed)
    }
}

/// Gradient-boosted trees, XGBoost `gbtree` + `hist` (`type: xgboost`). XGBoost grows trees
/// depth-wise, so it takes a depth and `min_child_weight` where LightGBM takes leaves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct XgboostConfig {
    /// Boosting rounds (default 200).
    #[serde(default)]
    pub rounds: Option<u32>,
    /// In (0, 1] (default 0.1).
    #[serde(default)]
    pub learning_rate: Option<f64>,
    /// 1..=64 (default 6).
    #[serde(default)]
    pub max_depth: Option<u32>,
    /// >= 0 (default 1).
    #[serde(default)]
    pub min_child_weight: Option<f64>,
    /// Row subsample per tree, in (0, 1] (default 1).
    #[serde(default)]
    pub row_subsample: Option<f64>,
    /// Column subsample per tree, in (0, 1] (default 1).
    #[serde(default)]
    pub feature_subsample: Option<f64>,
    /// L2 regularisation (`lambda`), >= 0 (default 1).
    #[serde(default)]
    pub l2: Option<f64>,
    #[serde(default)]
    pub early_stopping_rounds: Option<u32>,
    /// Threads for the model library (default as for LightGBM).
    #[serde(default)]
    pub threads: Option<u32>,
    /// As for LightGBM.
    #[serde(default)]
    pub refit: bool,
    #[serde(default)]
    pub search: Option<SearchConfig>,
}

impl ParamGuard for XgboostConfig {
    type Checked = BoostedTreeParams;
    fn check(&self, seed: u64) -> Result<BoostedTreeParams> {
        let max_depth = self.max_depth.unwrap_or(6);
        if max_depth == 0 {
            return Err(invalid("model.max_depth must be at least 1 for xgboost"));
        }
        Booster {
            rounds: self.rounds,
            learning_rate: self.learning_rate,
            num_leaves: None,
            max_depth,
            min_samples_leaf: None,
            min_child_weight: self.min_child_weight,
            row_subsample: self.row_subsample,
            feature_subsample: self.feature_subsample,
            l2: self.l2,
            early_stopping_rounds: self.early_stopping_rounds,
            threads: self.threads,
        }
        .check(seed)
    }
}

/// Random forest, LightGBM `rf`: bagged, un-shrunk trees whose outputs are averaged
/// (`type: random_forest`). No early stopping chooses its size, so no refit or search either.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForestConfig {
    /// Trees per class (default 100).
    #[serde(default)]
    pub rounds: Option<u32>,
    /// 2..=131072 (default 31).
    #[serde(default)]
    pub num_leaves: Option<u32>,
    /// 0 = unlimited (the default), at most 64.
    #[serde(default)]
    pub max_depth: Option<u32>,
    /// Default 20.
    #[serde(default)]
    pub min_samples_leaf: Option<u32>,
    /// Bootstrap fraction, in (0, 1) (default 0.632): LightGBM's rf needs real bagging.
    #[serde(default)]
    pub row_subsample: Option<f64>,
    /// In (0, 1] (default 0.5).
    #[serde(default)]
    pub feature_subsample: Option<f64>,
    #[serde(default)]
    pub threads: Option<u32>,
}

impl ParamGuard for ForestConfig {
    type Checked = ForestParams;
    fn check(&self, seed: u64) -> Result<ForestParams> {
        Ok(ForestParams {
            trees: check_rounds(self.rounds.unwrap_or(100))?,
            num_leaves: check_num_leaves(self.num_leaves)?,
            max_depth: check_max_depth(self.max_depth.unwrap_or(0))?,
            min_samples_leaf: check_min_samples_leaf(self.min_samples_leaf)?,
            row_subsample: unit_interval("row_subsample", self.row_subsample.unwrap_or(0.632), false)?,
            feature_subsample: unit_interval("feature_subsample", self.feature_subsample.unwrap_or(0.5), true)?,
            threads: check_threads(self.threads)?,
            seed,
        })
    }
}

/// MiniRocket-style convolution features over each row's price context with a LightGBM head
/// (`type: window`): LightGBM's keys for the head, plus `context`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WindowConfig {
    /// Candles of price context each row sees, 16..=512 (default 64).
    #[serde(default)]
    pub context: Option<u32>,
    /// The head's keys, as for `type: lightgbm`.
    #[serde(flatten)]
    pub head: LightgbmConfig,
}

impl ParamGuard for WindowConfig {
    type Checked = WindowParams;
    fn check(&self, seed: u64) -> Result<WindowParams> {
        let head = self.head.check(seed)?;
        let context = self.context.unwrap_or(64);
        if !(16..=512).contains(&context) {
            return Err(invalid(format!("model.context must be within 16..=512 candles, got {context}")));
        }
        Ok(WindowParams { head, context: context as usize })
    }
}

/// One family's settings, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FamilyConfig {
    Lightgbm(LightgbmConfig),
    Xgboost(XgboostConfig),
    RandomForest(ForestConfig),
    Window(WindowConfig),
}

/// The `model:` section: the family's settings, and the keys given that only other families
/// read. Those are refused when the config is validated (`model.learning_rate does not apply to
/// model type random_forest`), not while it is parsed, so a tool can read a config and switch
/// its type (the CLI's `--model` drops them); a key no family reads is a parse error.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(transform = each_family_closed)]
pub struct ModelConfig {
    #[serde(flatten)]
    pub family: FamilyConfig,
    #[serde(skip)]
    other_families_keys: Vec<String>,
}

impl From<FamilyConfig> for ModelConfig {
    fn from(family: FamilyConfig) -> Self {
        ModelConfig { family, other_families_keys: Vec::new() }
    }
}

impl ModelConfig {
    pub fn kind(&self) -> ModelKind {
        match &self.family {
            FamilyConfig::Lightgbm(_) => ModelKind::Lightgbm,
            FamilyConfig::Xgboost(_) => ModelKind::Xgboost,
            FamilyConfig::RandomForest(_) => ModelKind::RandomForest,
            FamilyConfig::Window(_) => ModelKind::Window,
        }
    }

    /// `refit` (boosters and the window model; the forest has none).
    pub fn refit(&self) -> bool {
        match &self.family {
            FamilyConfig::Lightgbm(c) => c.refit,
            FamilyConfig::Xgboost(c) => c.refit,
            FamilyConfig::Window(c) => c.head.refit,
            FamilyConfig::RandomForest(_) => false,
        }
    }

    /// `search` (boosters and the window model; the forest has none).
    pub fn search(&self) -> Option<&SearchConfig> {
        match &self.family {
            FamilyConfig::Lightgbm(c) => c.search.as_ref(),
            FamilyConfig::Xgboost(c) => c.search.as_ref(),
            FamilyConfig::Window(c) => c.head.search.as_ref(),
            FamilyConfig::RandomForest(_) => None,
        }
    }
}

impl ParamGuard for ModelConfig {
    type Checked = ModelParams;
    fn check(&self, seed: u64) -> Result<ModelParams> {
        let kind = self.kind();
        if let Some(key) = self.other_families_keys.first() {
            return Err(invalid(format!("model.{key} does not apply to model type {kind}")));
        }
        Ok(match &self.family {
            FamilyConfig::Lightgbm(c) => ModelParams::Lightgbm(c.check(seed)?),
            FamilyConfig::Xgboost(c) => ModelParams::Xgboost(c.check(seed)?),
            FamilyConfig::RandomForest(c) => ModelParams::RandomForest(c.check(seed)?),
            FamilyConfig::Window(c) => ModelParams::Window(c.check(seed)?),
        })
    }
}

impl<'de> Deserialize<'de> for ModelConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let mut map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let kind = map.remove("type").ok_or_else(|| D::Error::missing_field("type"))?;
        let kind = ModelKind::deserialize(kind).map_err(|e| D::Error::custom(format!("model.type: {e}")))?;
        let own = family_keys(kind);
        let mut other_families_keys = Vec::new();
        for key in map.keys().filter(|k| !own.contains(&k.as_str())).cloned().collect::<Vec<_>>() {
            if !ModelKind::ALL.iter().any(|&other| family_keys(other).contains(&key.as_str())) {
                return Err(D::Error::custom(format!(
                    "model: unknown field `{key}`; {kind} takes {}",
                    own.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                )));
            }
            map.remove(&key);
            other_families_keys.push(key);
        }
        fn family<T: DeserializeOwned, E: serde::de::Error>(
            map: serde_json::Map<String, serde_json::Value>,
        ) -> std::result::Result<T, E> {
            serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| E::custom(format!("model: {e}")))
        }
        let family = match kind {
            ModelKind::Lightgbm => FamilyConfig::Lightgbm(family(map)?),
            ModelKind::Xgboost => FamilyConfig::Xgboost(family(map)?),
            ModelKind::RandomForest => FamilyConfig::RandomForest(family(map)?),
            ModelKind::Window => FamilyConfig::Window(family(map)?),
        };
        Ok(ModelConfig { family, other_families_keys })
    }
}

/// In the JSON Schema, each family takes its own keys only (serde's `deny_unknown_fields` on the
/// family types, which schemars drops where they are flattened into [`ModelConfig`]).
fn each_family_closed(schema: &mut schemars::Schema) {
    if let Some(serde_json::Value::Array(families)) = schema.get_mut("oneOf") {
        for family in families.iter_mut().filter_map(|f| f.as_object_mut()) {
            // `unevaluated`: the window family's keys come through a `$ref` (its flattened head).
            family.insert("unevaluatedProperties".into(), false.into());
        }
    }
}

/// The keys of a family's `model:` section, `type` excluded, in its struct's order.
pub fn family_keys(kind: ModelKind) -> Vec<&'static str> {
    match kind {
        ModelKind::Lightgbm => struct_fields::<LightgbmConfig>().to_vec(),
        ModelKind::Xgboost => struct_fields::<XgboostConfig>().to_vec(),
        ModelKind::RandomForest => struct_fields::<ForestConfig>().to_vec(),
        // `context`, then the flattened head's keys.
        ModelKind::Window => ["context"].into_iter().chain(struct_fields::<LightgbmConfig>().iter().copied()).collect(),
    }
}

/// The field names serde's derive gives a struct's deserializer: asked of a deserializer that
/// only records them.
fn struct_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Recorder<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Recorder<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> std::result::Result<V::Value, Self::Error> {
            Err(Self::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> std::result::Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(Self::Error::custom("fields recorded"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
            unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Recorder(&mut fields));
    fields
}

/// The keys the boosters share, as given (`None`: the default), checked once for all three.
struct Booster {
    rounds: Option<u32>,
    learning_rate: Option<f64>,
    num_leaves: Option<u32>,
    max_depth: u32,
    min_samples_leaf: Option<u32>,
    min_child_weight: Option<f64>,
    row_subsample: Option<f64>,
    feature_subsample: Option<f64>,
    l2: Option<f64>,
    early_stopping_rounds: Option<u32>,
    threads: Option<u32>,
}

impl Booster {
    fn check(self, seed: u64) -> Result<BoostedTreeParams> {
        let min_child_weight = self.min_child_weight.unwrap_or(1.0);
        if !(min_child_weight >= 0.0 && min_child_weight.is_finite()) {
            return Err(invalid("model.min_child_weight must be >= 0"));
        }
        let l2 = self.l2.unwrap_or(1.0);
        if !(l2 >= 0.0 && l2.is_finite()) {
            return Err(invalid("model.l2 must be >= 0"));
        }
        if self.early_stopping_rounds == Some(0) {
            return Err(invalid("model.early_stopping_rounds must be at least 1"));
        }
        Ok(BoostedTreeParams {
            rounds: check_rounds(self.rounds.unwrap_or(200))?,
            learning_rate: unit_interval("learning_rate", self.learning_rate.unwrap_or(0.1), true)?,
            num_leaves: check_num_leaves(self.num_leaves)?,
            max_depth: check_max_depth(self.max_depth)?,
            min_samples_leaf: check_min_samples_leaf(self.min_samples_leaf)?,
            min_child_weight,
            row_subsample: unit_interval("row_subsample", self.row_subsample.unwrap_or(1.0), true)?,
            feature_subsample: unit_interval("feature_subsample", self.feature_subsample.unwrap_or(1.0), true)?,
            l2,
            early_stopping_rounds: self.early_stopping_rounds,
            threads: check_threads(self.threads)?,
            seed,
        })
    }
}

fn check_rounds(rounds: u32) -> Result<u32> {
    if rounds == 0 || rounds > 100_000 {
        return Err(invalid(format!("model.rounds must be within 1..=100000, got {rounds}")));
    }
    Ok(rounds)
}

fn check_threads(threads: Option<u32>) -> Result<u32> {
    let threads = threads.unwrap_or_else(super::default_threads);
    if threads > 1024 {
        return Err(invalid("model.threads must be at most 1024"));
    }
    Ok(threads)
}

fn check_num_leaves(num_leaves: Option<u32>) -> Result<u32> {
    let num_leaves = num_leaves.unwrap_or(31);
    if !(2..=131_072).contains(&num_leaves) {
        return Err(invalid("model.num_leaves must be within 2..=131072"));
    }
    Ok(num_leaves)
}

fn check_min_samples_leaf(min_samples_leaf: Option<u32>) -> Result<u32> {
    let min_samples_leaf = min_samples_leaf.unwrap_or(20);
    if min_samples_leaf == 0 {
        return Err(invalid("model.min_samples_leaf must be at least 1"));
    }
    Ok(min_samples_leaf)
}

fn check_max_depth(max_depth: u32) -> Result<u32> {
    if max_depth > 64 {
        return Err(invalid("model.max_depth must be at most 64"));
    }
    Ok(max_depth)
}

/// `v` in (0, 1] (`closed_one`) or (0, 1).
fn unit_interval(key: &str, v: f64, closed_one: bool) -> Result<f64> {
    let ok = v > 0.0 && if closed_one { v <= 1.0 } else { v < 1.0 };
    if ok {
        Ok(v)
    } else {
        Err(invalid(format!("model.{key} must be within (0, 1{}, got {v}", if closed_one { "]" } else { ")" })))
    }
}

fn invalid(msg: impl Into<String>) -> EngineError {
    EngineError::InvalidConfig(msg.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_family_reads_the_fields_of_its_struct() {
        assert_eq!(
            family_keys(ModelKind::Xgboost),
            [
                "rounds",
                "learning_rate",
                "max_depth",
                "min_child_weight",
                "row_subsample",
                "feature_subsample",
                "l2",
                "early_stopping_rounds",
                "threads",
                "refit",
                "search"
            ]
        );
        let window = family_keys(ModelKind::Window);
        assert_eq!(window[0], "context");
        assert_eq!(window[1..], family_keys(ModelKind::Lightgbm));
        assert!(!family_keys(ModelKind::RandomForest).contains(&"learning_rate"));
    }

    #[test]
    fn a_key_no_family_reads_is_a_parse_error_and_another_familys_key_a_check_error() {
        let err = serde_yaml::from_str::<ModelConfig>("type: lightgbm\nlearnin_rate: 0.1\n").unwrap_err().to_string();
        assert!(err.contains("unknown field `learnin_rate`"), "{err}");
        let cfg: ModelConfig = serde_yaml::from_str("type: random_forest\nlearning_rate: 0.1\n").unwrap();
        let err = cfg.check(0).unwrap_err().to_string();
        assert!(err.contains("model.learning_rate does not apply to model type random_forest"), "{err}");
        let err = serde_yaml::from_str::<ModelConfig>("type: lightgbm\nrounds: many\n").unwrap_err().to_string();
        assert!(err.contains("model: invalid type"), "{err}");
        assert!(serde_yaml::from_str::<ModelConfig>("rounds: 3\n").unwrap_err().to_string().contains("type"));
    }

    #[test]
    fn a_checked_config_serialises_back_to_the_same_config() {
        let text = "type: window\ncontext: 32\nrounds: 5\nsearch: { trials: 2 }\n";
        let cfg: ModelConfig = serde_yaml::from_str(text).unwrap();
        let json = serde_json::to_value(&cfg).unwrap();
        assert_eq!(json["type"], "window");
        assert_eq!(json["context"], 32);
        assert_eq!(serde_json::from_value::<ModelConfig>(json).unwrap(), cfg);
    }
}
