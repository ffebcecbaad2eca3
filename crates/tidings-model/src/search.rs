//! The one tokenizer of full-text search, shared by the build step (which
//! will index with it) and the app (which will split queries with it), so
//! the two can never disagree the way a dictionary segmenter at index time
//! and the browser's segmenter at query time do.
//!
//! Text is folded first (full-width forms to half-width, lower case). Runs
//! of Chinese, Japanese and Korean characters become overlapping character
//! bigrams (我是中国人 → 我是 是中 中国 国人), as Lucene's `CJKAnalyzer` does,
//! plus each character on its own in indexed text so a one-character query
//! finds it; runs of letters and digits become words. A query's terms are
//! then all in every text that holds the query verbatim (Latin words
//! whole), which is what makes recall equal to a substring scan; the
//! phrase itself is confirmed on the text.

/// Whether `c` is written without spaces between words (Han, kana,
/// Hangul): such runs are cut into bigrams.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30ff        // Hiragana, Katakana
        | 0x3400..=0x4dbf      // Han extension A
        | 0x4e00..=0x9fff      // Han
        | 0xf900..=0xfaff      // Han compatibility
        | 0x1100..=0x11ff      // Hangul Jamo
        | 0x3130..=0x318f      // Hangul compatibility Jamo
        | 0xac00..=0xd7af      // Hangul syllables
        | 0x20000..=0x2ffff) // Han extensions B-F
}

/// `c` folded: full-width ASCII forms to ASCII, the ideographic space to a
/// space, then lower case.
pub fn fold(c: char) -> impl Iterator<Item = char> {
    let c = match c as u32 {
        0xff01..=0xff5e => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    crate::case::lowercase(c)
}

/// The runs of `text` after folding: CJK runs and word runs, in order.
fn runs(text: &str) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    for c in text.chars().flat_map(fold) {
        let kind = if is_cjk(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match (kind, out.last_mut()) {
            (Some(k), Some((last, run))) if *last == k && !run.is_empty() => run.push(c),
            (Some(k), _) => out.push((k, c.to_string())),
            // A separator ends the run.
            (None, Some((_, run))) if !run.is_empty() => out.push((false, String::new())),
            (None, _) => {}
        }
    }
    out.retain(|(_, r)| !r.is_empty());
    out
}

fn bigrams(run: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = run.chars().collect();
    for pair in chars.windows(2) {
        out.push(pair.iter().collect());
    }
}

/// The terms a text is indexed under: bigrams and characters of its CJK
/// runs, its words. In order, with repeats (term frequency counts them).
pub fn index_terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (cjk, run) in runs(text) {
        if cjk {
            out.extend(run.chars().map(String::from));
            bigrams(&run, &mut out);
        } else {
            out.push(run);
        }
    }
    out
}

/// The terms a query looks up, every one required: the bigrams of its CJK
/// runs (a one-character run as itself), its words; without repeats.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (cjk, run) in runs(query) {
        if cjk && run.chars().count() > 1 {
            bigrams(&run, &mut out);
        } else {
            out.push(run);
        }
    }
    crate::order::dedup_stable(&mut out);
    out
}

/// `text` folded as a whole, for confirming a phrase on it.
pub fn folded(text: &str) -> String {
    text.chars().flat_map(fold).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_runs_become_bigrams_and_words_stay_whole() {
        assert_eq!(query_terms("我是中国人"), ["我是", "是中", "中国", "国人"]);
        assert_eq!(query_terms("英伟达 OpenAI"), ["英伟", "伟达", "openai"]);
        assert_eq!(query_terms("ＡＩ大模型"), ["ai", "大模", "模型"]);
        assert_eq!(query_terms("芯"), ["芯"]);
        assert_eq!(query_terms("GPT-4o，发布！"), ["gpt", "4o", "发布"]);
        assert_eq!(query_terms("  "), Vec::<String>::new());
        assert_eq!(index_terms("AI芯片"), ["ai", "芯", "片", "芯片"]);
        assert_eq!(query_terms("カタカナ"), ["カタ", "タカ", "カナ"]);
        assert_eq!(query_terms("한국어"), ["한국", "국어"]);
    }

    /// SplitMix64, for the property test.
    fn next(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Every query taken verbatim from a text (Latin words whole) has all
    /// its terms among the text's: recall equals a substring scan.
    #[test]
    fn a_verbatim_query_finds_its_text() {
        // Words come with their spaces, so a query of whole pieces holds
        // whole words.
        let pieces = [
            "英", "伟", "达", "大", "模", "型", "芯", "片", " ＡＩ ", "，", " OpenAI ", " gpt ",
            " 4 ", "の", "한", "　",
        ];
        let mut state = 7u64;
        for _ in 0..2000 {
            let n = 2 + (next(&mut state) % 30) as usize;
            let parts: Vec<&str> = (0..n)
                .map(|_| pieces[(next(&mut state) % pieces.len() as u64) as usize])
                .collect();
            let text: String = parts.concat();
            // A query of whole pieces, so Latin words are whole.
            let a = (next(&mut state) % n as u64) as usize;
            let b = a + 1 + (next(&mut state) % (n - a) as u64) as usize;
            let query: String = parts[a..b].concat();
            let have: std::collections::HashSet<String> = index_terms(&text).into_iter().collect();
            for t in query_terms(&query) {
                assert!(have.contains(&t), "{query:?} in {text:?}: {t:?} missing");
            }
            assert!(folded(&text).contains(&folded(&query)));
        }
    }
}
