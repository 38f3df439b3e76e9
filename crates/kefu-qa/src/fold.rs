//! Folding (spec §1 "Folding"): each character replaced by its NFKC form,
//! lower-cased with the full Unicode mapping, one character at a time, with
//! a map from every byte of the folded text back to the character of the
//! text as sent that it came from, so that a match in folded text has a
//! span in characters of the original.

use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_normalization::UnicodeNormalization;

/// A text folded for matching, with the way back to the text as sent.
#[derive(Debug, Default, Clone)]
pub struct Folded {
    /// The folded text.
    text: String,
    /// For each byte of `text`, the index (in characters) of the original
    /// character it came from.
    origin: Vec<u32>,
}

/// Folds one character, calling `out` with each character of its folded
/// form.
#[inline]
pub fn fold_char(c: char, mut out: impl FnMut(char)) {
    let code = u32::from(c);
    if c.is_ascii() {
        out(c.to_ascii_lowercase());
    } else if code < 0x1_0000 {
        // A character of the Basic Multilingual Plane: its form was worked
        // out once, at first use.
        let table = bmp_table();
        let form = table.forms[code as usize];
        if form & MANY == 0 {
            // Every entry without MANY is a character's code.
            out(char::from_u32(form).unwrap_or(c));
        } else {
            table.longer[(form & !MANY) as usize].chars().for_each(out);
        }
    } else {
        fold_slowly(c, out);
    }
}

/// NFKC, then full lower-casing, of one character.
fn fold_slowly(c: char, mut out: impl FnMut(char)) {
    for n in std::iter::once(c).nfkc() {
        n.to_lowercase().for_each(&mut out);
    }
}

/// Marks a form of the BMP table that is not one character.
const MANY: u32 = 1 << 31;

/// The folded form of every character of the Basic Multilingual Plane
/// (the characters of nearly all chat text): one character as its code,
/// or `MANY` with the index of a longer form.
struct BmpTable {
    forms: Vec<u32>,
    longer: Vec<String>,
}

/// The table, built on first use (65,536 characters, a few milliseconds).
fn bmp_table() -> &'static BmpTable {
    static TABLE: std::sync::OnceLock<BmpTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut forms = Vec::with_capacity(0x1_0000);
        let mut longer = Vec::new();
        for code in 0..0x1_0000u32 {
            // Surrogate codes are no characters: never looked up.
            let Some(c) = char::from_u32(code) else {
                forms.push(code);
                continue;
            };
            let mut form = String::new();
            fold_slowly(c, |f| form.push(f));
            let mut chars = form.chars();
            match (chars.next(), chars.next()) {
                (Some(one), None) => forms.push(u32::from(one)),
                _ => {
                    forms.push(MANY | longer.len() as u32);
                    longer.push(form);
                }
            }
        }
        BmpTable { forms, longer }
    })
}

/// The part of `text` in characters `[span.0, span.1)` (a finding's
/// matched text).
pub fn char_span(text: &str, span: (u32, u32)) -> &str {
    let mut bytes = text.char_indices().map(|(at, _)| at).chain([text.len()]);
    let start = bytes.nth(span.0 as usize).unwrap_or(text.len());
    let end = match span.1.checked_sub(span.0 + 1) {
        Some(more) => bytes.nth(more as usize).unwrap_or(text.len()),
        None => start,
    };
    &text[start..end]
}

/// The folded form of a whole phrase (phrases, allow phrases and `skip`
/// characters are folded like messages).
pub fn fold_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    s.chars().for_each(|c| fold_char(c, |f| out.push(f)));
    out
}

impl Folded {
    /// Folds `original` into this buffer, reusing its allocations.
    pub fn fold(&mut self, original: &str) {
        self.text.clear();
        self.origin.clear();
        for (i, c) in original.chars().enumerate() {
            fold_char(c, |f| self.text.push(f));
            self.origin.resize(self.text.len(), i as u32);
        }
    }

    /// The folded text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The span in original characters of the folded bytes `[start, end)`
    /// (`end > start`): from the character holding the first byte to the one
    /// holding the last, a character only partly inside included.
    pub fn span(&self, start: usize, end: usize) -> (u32, u32) {
        (self.origin[start], self.origin[end - 1] + 1)
    }
}

/// A folded text with some characters removed, mapped back to the folded
/// text's bytes: the text a `keyword` rule with `skip` characters is
/// matched in (a phrase found in it passes over runs of them).
#[derive(Debug, Default, Clone)]
pub struct Stripped {
    /// The text without the removed characters.
    text: String,
    /// For each byte of `text`, its byte offset in the folded text.
    origin: Vec<usize>,
}

impl Stripped {
    /// `folded` without the characters `skip` takes, reusing this buffer.
    pub fn strip(&mut self, folded: &str, skip: impl Fn(char) -> bool) {
        self.text.clear();
        self.origin.clear();
        for (at, c) in folded.char_indices() {
            if !skip(c) {
                self.text.push(c);
                let width = c.len_utf8();
                self.origin.extend(at..at + width);
            }
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The folded bytes `[start, end)` of its bytes `[start, end)`.
    pub fn folded_range(&self, start: usize, end: usize) -> (usize, usize) {
        (self.origin[start], self.origin[end - 1] + 1)
    }
}

/// The folded text without the characters of general categories Z, C, P, S
/// and M (whitespace, controls, punctuation, symbols and emoji, marks): what
/// `unanswered` compares with its acknowledgements.
pub fn letters_only(folded: &str) -> String {
    let mut out = String::new();
    letters_only_into(folded, &mut out);
    out
}

/// [`letters_only`] into `out` (cleared first), reusing its allocation.
pub fn letters_only_into(folded: &str, out: &mut String) {
    use GeneralCategory as G;
    out.clear();
    out.extend(folded.chars().filter(|&c| {
        !matches!(
            get_general_category(c),
            G::SpaceSeparator
                | G::LineSeparator
                | G::ParagraphSeparator
                | G::Control
                | G::Format
                | G::Surrogate
                | G::PrivateUse
                | G::Unassigned
                | G::ConnectorPunctuation
                | G::DashPunctuation
                | G::OpenPunctuation
                | G::ClosePunctuation
                | G::InitialPunctuation
                | G::FinalPunctuation
                | G::OtherPunctuation
                | G::MathSymbol
                | G::CurrencySymbol
                | G::ModifierSymbol
                | G::OtherSymbol
                | G::NonspacingMark
                | G::SpacingMark
                | G::EnclosingMark
        )
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(s: &str) -> Folded {
        let mut f = Folded::default();
        f.fold(s);
        f
    }

    #[test]
    fn full_width_and_case_fold_to_half_width_lower_case() {
        assert_eq!(folded("加ＶＸ，ＱＱ号Ab").text(), "加vx,qq号ab");
        // Full Unicode lower-casing, not ASCII only.
        assert_eq!(folded("ΣΑΣ İ").text(), "σασ i\u{307}");
        // NFKC of one character may be several.
        assert_eq!(folded("㈱").text(), "(株)");
    }

    #[test]
    fn spans_are_in_original_characters() {
        let f = folded("加ＶＸ吧");
        let at = f.text().find("vx").expect("vx");
        let span = f.span(at, at + 2);
        assert_eq!(span, (1, 3));
        assert_eq!(char_span("加ＶＸ吧", span), "ＶＸ");
        // A character only partly inside the match is included whole.
        let f = folded("a㈱b");
        let at = f.text().find("株").expect("株");
        assert_eq!(f.span(at, at + "株".len()), (1, 2));
        assert_eq!(char_span("a㈱b", (1, 2)), "㈱");
    }

    #[test]
    fn the_bmp_table_folds_as_nfkc_and_lower_casing_do() {
        for code in 0..0x1_0000u32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let (mut fast, mut slow) = (String::new(), String::new());
            fold_char(c, |f| fast.push(f));
            fold_slowly(c, |f| slow.push(f));
            assert_eq!(fast, slow, "U+{code:04X}");
        }
    }

    #[test]
    fn stripping_maps_back_to_folded_bytes() {
        let f = folded("加 - V 吧");
        let mut s = Stripped::default();
        s.strip(f.text(), |c| c == ' ' || c == '-');
        assert_eq!(s.text(), "加v吧");
        let (a, b) = s.folded_range(0, "加v".len());
        assert_eq!(f.span(a, b), (0, 5));
    }

    #[test]
    fn letters_only_drops_punctuation_symbols_emoji_and_space() {
        assert_eq!(letters_only(&fold_str("好的，谢谢！")), "好的谢谢");
        assert_eq!(letters_only(&fold_str("好的👍 ")), "好的");
        assert_eq!(letters_only("👍"), "");
        assert_eq!(letters_only("ok~~"), "ok");
    }
}
