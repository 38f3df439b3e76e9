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
    /// The byte offset of each original character, and one past the end.
    starts: Vec<usize>,
}

/// Folds one character, calling `out` with each character of its folded
/// form.
#[inline]
pub fn fold_char(c: char, mut out: impl FnMut(char)) {
    if c.is_ascii() {
        out(c.to_ascii_lowercase());
    } else if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        // CJK unified ideographs are their own NFKC form and have no case.
        out(c);
    } else {
        for n in std::iter::once(c).nfkc() {
            n.to_lowercase().for_each(&mut out);
        }
    }
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
        self.starts.clear();
        for (i, (at, c)) in original.char_indices().enumerate() {
            self.starts.push(at);
            let index = i as u32;
            fold_char(c, |f| {
                self.text.push(f);
                self.origin.resize(self.text.len(), index);
            });
        }
        self.starts.push(original.len());
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

    /// The original text of a span in characters.
    pub fn original<'a>(&self, original: &'a str, span: (u32, u32)) -> &'a str {
        &original[self.starts[span.0 as usize]..self.starts[span.1 as usize]]
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
    /// `folded` without the characters `skip` holds, reusing this buffer.
    pub fn strip(&mut self, folded: &str, skip: &[char]) {
        self.text.clear();
        self.origin.clear();
        for (at, c) in folded.char_indices() {
            if !skip.contains(&c) {
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
    use GeneralCategory as G;
    folded
        .chars()
        .filter(|&c| {
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
        })
        .collect()
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
        assert_eq!(f.original("加ＶＸ吧", span), "ＶＸ");
        // A character only partly inside the match is included whole.
        let f = folded("a㈱b");
        let at = f.text().find("株").expect("株");
        assert_eq!(f.span(at, at + "株".len()), (1, 2));
        assert_eq!(f.original("a㈱b", (1, 2)), "㈱");
    }

    #[test]
    fn stripping_maps_back_to_folded_bytes() {
        let f = folded("加 - V 吧");
        let mut s = Stripped::default();
        s.strip(f.text(), &[' ', '-']);
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
