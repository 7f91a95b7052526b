//! cdl2crows: not ported yet; TA-Lib's own recogniser runs instead.
use crate::Native;

pub(crate) const PATTERN: Option<Native> = None;
