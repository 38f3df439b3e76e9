//! Matching header columns (or JSON keys) to spec fields: spec names,
//! the Chinese names of platform exports, and `--map` overrides.

use crate::{FileError, Kind};
use std::path::Path;

/// The most fields any kind has.
pub(crate) const MAX_FIELDS: usize = 8;

const MESSAGE_FIELDS: &[&str] = &[
    "store",
    "message_id",
    "buyer",
    "sender",
    "agent",
    "sent_at",
    "content",
    "kind",
];
const ORDER_FIELDS: &[&str] = &[
    "store",
    "order_id",
    "buyer",
    "created_at",
    "paid_at",
    "amount",
    "refund_amount",
    "refunded_at",
];
const RATING_FIELDS: &[&str] = &["store", "buyer", "agent", "rated_at", "score"];

/// The spec fields of a kind.
pub(crate) fn fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Messages => MESSAGE_FIELDS,
        Kind::Orders => ORDER_FIELDS,
        Kind::Ratings => RATING_FIELDS,
    }
}

/// The fields whose column a header must have. (A message's `agent` is
/// required only for agent messages; that is checked per record.)
pub(crate) fn required(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Messages => &["store", "message_id", "buyer", "sender", "sent_at"],
        Kind::Orders => &["store", "order_id", "buyer", "created_at", "amount"],
        Kind::Ratings => RATING_FIELDS,
    }
}

/// Other names of a field, lower-cased, best first: when two columns match
/// one field, the earlier alias wins (e.g. 店铺编码 over 店铺名称).
fn aliases(field: &str) -> &'static [&'static str] {
    match field {
        "store" => &["店铺编码", "店铺id", "店铺", "店铺名称"],
        "message_id" => &["消息id", "消息编号"],
        "buyer" => &["买家账号", "买家id", "买家", "买家昵称", "顾客"],
        "sender" => &["发送方", "发送者", "角色"],
        "agent" => &["客服账号", "客服", "接待客服", "客服昵称"],
        "sent_at" => &["发送时间", "消息时间", "时间"],
        "content" => &["消息内容", "内容"],
        "kind" => &["消息类型", "类型"],
        "order_id" => &["订单编号", "订单号"],
        "created_at" => &["下单时间", "创建时间"],
        "paid_at" => &["付款时间", "支付时间"],
        "amount" => &["实付金额", "付款金额", "订单金额", "金额"],
        "refund_amount" => &["退款金额"],
        "refunded_at" => &["退款时间"],
        "rated_at" => &["评价时间"],
        "score" => &["评分", "评价分数", "分数"],
        _ => &[],
    }
}

/// A column or key name as compared: trimmed, without a BOM, lower-cased.
pub(crate) fn normalize(name: &str) -> String {
    name.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_lowercase()
}

/// The field a (normalized) name stands for, with its rank: 1 for the spec
/// name, 2 and up for aliases (lower is better).
fn match_name(kind: Kind, name: &str) -> Option<(usize, u8)> {
    fields(kind).iter().enumerate().find_map(|(i, f)| {
        if *f == name {
            Some((i, 1))
        } else {
            let p = aliases(f).iter().position(|a| *a == name)?;
            Some((i, 2 + p as u8))
        }
    })
}

/// `--map` checked against the kind: (field index, normalized column).
pub(crate) fn check_map(
    kind: Kind,
    map: &[(String, String)],
) -> Result<Vec<(usize, String)>, FileError> {
    map.iter()
        .map(|(field, column)| {
            let f = field.trim().to_ascii_lowercase();
            match fields(kind).iter().position(|k| *k == f) {
                Some(i) => Ok((i, normalize(column))),
                None => Err(FileError::UnknownField {
                    field: field.clone(),
                    kind,
                }),
            }
        })
        .collect()
}

/// For each field of the kind, the index of its column in `header`.
pub(crate) fn map_header(
    path: &Path,
    kind: Kind,
    header: &[String],
    map: &[(usize, String)],
) -> Result<[Option<usize>; MAX_FIELDS], FileError> {
    let names: Vec<String> = header.iter().map(|h| normalize(h)).collect();
    let mut cols = [None; MAX_FIELDS];
    let mut ranks = [u8::MAX; MAX_FIELDS];
    for (c, name) in names.iter().enumerate() {
        if let Some((f, rank)) = match_name(kind, name)
            && rank < ranks[f]
        {
            cols[f] = Some(c);
            ranks[f] = rank;
        }
    }
    for (f, column) in map {
        match names.iter().position(|n| n == column) {
            Some(c) => cols[*f] = Some(c),
            None => {
                return Err(FileError::MapColumnMissing {
                    path: path.to_path_buf(),
                    field: fields(kind)[*f].to_string(),
                    column: column.clone(),
                    header: header.to_vec(),
                });
            }
        }
    }
    let missing: Vec<String> = fields(kind)
        .iter()
        .enumerate()
        .filter(|(i, f)| cols[*i].is_none() && required(kind).contains(f))
        .map(|(_, f)| f.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns {
            path: path.to_path_buf(),
            kind,
            missing,
            header: header.to_vec(),
        });
    }
    Ok(cols)
}

/// The most distinct JSON keys remembered.
const KEY_CACHE: usize = 64;

/// Resolves JSON keys to fields, remembering the keys seen.
pub(crate) struct KeyResolver {
    kind: Kind,
    map: Vec<(usize, String)>,
    seen: Vec<(String, Option<(usize, u8)>)>,
}

impl KeyResolver {
    /// A resolver with the checked `--map` pairs (which rank above all).
    pub fn new(kind: Kind, map: Vec<(usize, String)>) -> KeyResolver {
        KeyResolver {
            kind,
            map,
            seen: Vec::new(),
        }
    }

    /// The field of a key and its rank (0 for a `--map` column).
    pub fn resolve(&mut self, key: &str) -> Option<(usize, u8)> {
        if let Some((_, found)) = self.seen.iter().find(|(k, _)| k == key) {
            return *found;
        }
        let name = normalize(key);
        let found = match self.map.iter().find(|(_, c)| *c == name) {
            Some((f, _)) => Some((*f, 0)),
            None => match_name(self.kind, &name),
        };
        if self.seen.len() < KEY_CACHE {
            self.seen.push((key.to_string(), found));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_alias_wins_and_map_overrides() {
        let header: Vec<String> = [
            "店铺名称",
            "店铺编码",
            "消息ID",
            "买家昵称",
            "角色",
            "时间",
            " Buyer ",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let cols = map_header(Path::new("m.csv"), Kind::Messages, &header, &[]).unwrap();
        assert_eq!(cols[0], Some(1));
        assert_eq!(cols[2], Some(6));
        let map = check_map(Kind::Messages, &[("store".into(), "店铺名称".into())]).unwrap();
        let cols = map_header(Path::new("m.csv"), Kind::Messages, &header, &map).unwrap();
        assert_eq!(cols[0], Some(0));
    }
}
