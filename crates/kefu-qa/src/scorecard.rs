//! The provider's scorecard as TOML, read with an error naming the item and
//! field and written back in the same layout:
//!
//! ```toml
//! [[item]]
//! id = "courtesy"            # unique; reviews name it
//! name = "礼貌用语与服务态度"
//! points = 5                 # deducted when it fails, 0–100
//! critical = false           # optional: a failed critical item fails the session
//! ```

use crate::file::{FileError, MAX_POINTS, quoted};
use crate::review::ScoreItem;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CardFile {
    #[serde(default)]
    item: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Option<String>,
    name: Option<String>,
    points: Option<i64>,
    critical: Option<bool>,
}

fn error(place: String, en: &str, zh: &str) -> FileError {
    FileError {
        place,
        en: en.into(),
        zh: zh.into(),
    }
}

/// Reads a scorecard: at least one item, ids unique and not empty, names
/// given, points from 0 to 100.
pub fn read_scorecard(text: &str) -> Result<Vec<ScoreItem>, FileError> {
    let file: CardFile = toml::from_str(text).map_err(|e| FileError {
        place: "TOML".into(),
        en: format!("not a scorecard file: {}", e.message()),
        zh: format!("不是有效的评分表文件：{}", e.message()),
    })?;
    if file.item.is_empty() {
        return Err(error(
            "TOML".into(),
            "no [[item]]: a scorecard needs at least one item",
            "没有 [[item]]：评分表至少要有一项",
        ));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(file.item.len());
    for (i, raw) in file.item.into_iter().enumerate() {
        let n = i + 1;
        let id = raw.id.map(|s| s.trim().to_string()).unwrap_or_default();
        if id.is_empty() {
            return Err(error(format!("item {n}, id"), "missing", "缺少编号"));
        }
        let place = |field: &str| format!("item {n} ({id}), {field}");
        if !seen.insert(id.clone()) {
            return Err(error(place("id"), "another item has this id", "编号重复"));
        }
        let name = raw.name.map(|s| s.trim().to_string()).unwrap_or_default();
        if name.is_empty() {
            return Err(error(place("name"), "missing", "缺少名称"));
        }
        let points = match raw.points {
            Some(p) if (0..=i64::from(MAX_POINTS)).contains(&p) => p as u32,
            Some(_) => {
                return Err(error(
                    place("points"),
                    "must be from 0 to 100",
                    "扣分应在 0 到 100 之间",
                ));
            }
            None => return Err(error(place("points"), "missing", "缺少扣分")),
        };
        out.push(ScoreItem {
            id,
            name,
            points,
            critical: raw.critical.unwrap_or(false),
        });
    }
    Ok(out)
}

/// Writes a scorecard as [`read_scorecard`] reads it.
pub fn write_scorecard(items: &[ScoreItem]) -> String {
    let mut out = String::from("# the provider's scorecard: the items an inspector scores\n");
    for item in items {
        let _ = write!(
            out,
            "\n[[item]]\nid = {}\nname = {}\npoints = {}\ncritical = {}\n",
            quoted(&item.id),
            quoted(&item.name),
            item.points,
            item.critical
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::default_scorecard;

    #[test]
    fn a_scorecard_goes_out_and_comes_back() {
        let card = default_scorecard();
        assert_eq!(read_scorecard(&write_scorecard(&card)), Ok(card));
    }

    #[test]
    fn errors_name_the_item_and_field() {
        let place = |text: &str| read_scorecard(text).map_err(|e| e.place);
        assert_eq!(
            place("[[item]]\nname = \"x\"\npoints = 1\n"),
            Err("item 1, id".into())
        );
        assert_eq!(
            place("[[item]]\nid = \"a\"\nname = \"x\"\npoints = 101\n"),
            Err("item 1 (a), points".into())
        );
        assert_eq!(
            place(
                "[[item]]\nid = \"a\"\nname = \"x\"\npoints = 1\n[[item]]\nid = \"a\"\nname = \"y\"\npoints = 2\n"
            ),
            Err("item 2 (a), id".into())
        );
        assert_eq!(
            place("[[item]]\nid = \"a\"\npoints = 1\n"),
            Err("item 1 (a), name".into())
        );
        assert_eq!(place(""), Err("TOML".into()));
        assert_eq!(
            place("[[item]]\nid = \"a\"\nname = \"x\"\npoints = 1\ncolour = 2\n"),
            Err("TOML".into())
        );
    }
}
