//! Synthetic digests shaped like the seed, for benchmarks and scale tests.
//! Deterministic: the same `seed` and count give byte-identical files.

use std::fmt::Write;

/// SplitMix64: small, fast and good enough to vary synthetic text.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index drawn by the cumulative weights `cdf` (ascending).
    pub fn zipf_table(&mut self, cdf: &[f64]) -> usize {
        let total = cdf.last().copied().unwrap_or(0.0);
        let x = (self.next_u64() as f64 / u64::MAX as f64) * total;
        cdf.partition_point(|&c| c < x)
            .min(cdf.len().saturating_sub(1))
    }

    /// Index with probability falling as 1/(rank+1): a few common, many rare.
    pub fn zipf(&mut self, n: usize) -> usize {
        let total: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
        let mut x = (self.next_u64() as f64 / u64::MAX as f64) * total;
        for k in 1..=n {
            x -= 1.0 / k as f64;
            if x <= 0.0 {
                return k - 1;
            }
        }
        n - 1
    }
}

const TAGS: &[&str] = &[
    "AI",
    "人工智能",
    "AI资讯",
    "大模型",
    "芯片",
    "英伟达",
    "OpenAI",
    "机器人",
    "自动驾驶",
    "融资",
    "开源",
    "安全",
    "多模态",
    "AIGC",
    "算力",
    "云计算",
    "腾讯",
    "百度",
    "阿里巴巴",
    "字节跳动",
    "Meta",
    "谷歌",
    "微软",
    "苹果",
    "教育",
    "医疗",
    "金融",
    "游戏",
    "视频生成",
    "智能体",
    "政策",
    "监管",
    "半导体",
    "数据中心",
    "创业",
    "Robotics",
    "LLM",
    "Agents",
    "Open Source",
    "C++ & Rust",
];
const SUBJECTS: &[&str] = &[
    "英伟达",
    "OpenAI",
    "腾讯云",
    "百度文库",
    "月之暗面",
    "智谱AI",
    "中国移动",
    "阿里云",
    "字节跳动",
    "商汤科技",
    "华为",
    "小米",
    "微软",
    "谷歌",
    "Meta",
    "苹果",
    "亚信安全",
    "焱融科技",
    "VAST",
    "科大讯飞",
];
const VERBS: &[&str] = &[
    "发布",
    "推出",
    "宣布",
    "开源",
    "升级",
    "完成融资",
    "上线",
    "联合发布",
    "披露",
    "布局",
];
const OBJECTS: &[&str] = &[
    "新一代大模型",
    "多模态智能体",
    "3D生成平台",
    "AI翻译服务",
    "推理芯片",
    "知识引擎",
    "视频生成工具",
    "安全大模型",
    "智能画本功能",
    "数据中心方案",
    "端侧模型",
    "代码助手",
    "语音助手",
    "具身智能机器人",
];
const CLAUSES: &[&str] = &[
    "业内人士认为这将显著降低应用开发门槛",
    "该产品在多项基准测试中表现领先",
    "公司表示将持续加大研发投入",
    "分析师指出市场竞争正在加剧",
    "用户规模在短时间内突破百万",
    "这一进展引发了行业广泛关注",
    "相关技术已在金融、医疗和教育领域落地",
    "训练效率较上一代提升约40%",
    "成本较传统方案下降近80%",
    "团队计划在年底前开放更多接口",
    "专家提醒需要关注数据安全与合规风险",
    "新版本支持更长的上下文窗口",
];
const DOMAINS: &[&str] = &[
    "www.163.com",
    "www.36kr.com",
    "www.ithome.com",
    "www.jiqizhixin.com",
    "www.qbitai.com",
    "tech.sina.com.cn",
    "www.thepaper.cn",
    "www.huxiu.com",
];

fn date_of(index: usize) -> (u32, u32, u32) {
    // Day `index` before 2024-05-26, walking back through real calendar days.
    let (mut y, mut m, mut d) = (2024u32, 5u32, 26u32);
    for _ in 0..index {
        if d > 1 {
            d -= 1;
        } else {
            if m > 1 {
                m -= 1;
            } else {
                m = 12;
                y -= 1;
            }
            d = match m {
                2 if y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400)) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
        }
    }
    (y, m, d)
}

/// Common Chinese characters, most used first: the alphabet of the
/// synthetic lexicon's words.
const HANZI: &str = "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从知使点业本去把性好应开它合因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞";

/// Function words: the head of the lexicon's frequency.
const FUNCTION_WORDS: &[&str] = &[
    "的", "了", "在", "是", "和", "也", "将", "对", "中", "与", "为", "等", "已", "但", "而", "以",
    "及", "其", "这", "从", "被", "到", "就", "都", "还", "并", "更", "由", "把", "向",
];

/// Syllables of the lexicon's Latin names.
const SYLLABLES: &[&str] = &[
    "ze", "tra", "no", "vi", "qua", "lex", "mor", "ta", "ri", "on", "ka", "sen", "dor", "fi", "lu",
    "mi", "pax", "ro", "ne", "xo", "ly", "gen", "sta", "bel", "cor", "di", "um", "ar", "vo", "tek",
];

/// Words in the synthetic lexicon.
pub const LEXICON_SIZE: usize = 40_000;

/// A deterministic lexicon of [`LEXICON_SIZE`] words (Chinese words of two
/// to four characters, some Latin names and model names), drawn with a
/// Zipf-like frequency: word `k` about as often as `1/(k+1)`, so a few
/// words are everywhere and most are rare, as in real news text.
#[derive(Debug, Clone)]
pub struct Lexicon {
    words: Vec<String>,
    /// Cumulative weights, for drawing by rank.
    cdf: Vec<f64>,
    /// Cumulative weights of the long tail of sources, if any
    /// ([`Lexicon::with_tail_sources`]).
    tail: Vec<f64>,
}

impl Lexicon {
    pub fn new(seed: u64) -> Lexicon {
        let hanzi: Vec<char> = HANZI.chars().collect();
        let hanzi_cdf = cdf(hanzi.len());
        let mut rng = Rng::new(seed ^ 0x5eed_1e71_c0de);
        let mut seen = std::collections::HashSet::new();
        let mut words = Vec::with_capacity(LEXICON_SIZE);
        // The most frequent words of real Chinese text are function words.
        for w in FUNCTION_WORDS {
            if seen.insert(w.to_string()) {
                words.push(w.to_string());
            }
        }
        while words.len() < LEXICON_SIZE {
            let word = match rng.below(20) {
                // A Latin name, sometimes with a version: "Zenori", "Taxo-3".
                0 | 1 => {
                    let mut w: String = (0..rng.between(2, 3))
                        .map(|_| *rng.pick(SYLLABLES))
                        .collect();
                    if let Some(first) = w.get(..1) {
                        w = first.to_uppercase() + &w[1..];
                    }
                    if rng.below(4) == 0 {
                        let _ = write!(w, "-{}", rng.between(2, 9));
                    }
                    w
                }
                _ => (0..rng.between(2, 4))
                    // Characters by their own frequency.
                    .map(|_| hanzi[rng.zipf_table(&hanzi_cdf)])
                    .collect(),
            };
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        // The seed's names are frequent but not the most frequent: spread
        // over ranks 60 to ~1,000, so a company is in a few percent of
        // items, not in most of them.
        let names: Vec<&str> = SUBJECTS
            .iter()
            .chain(OBJECTS)
            .chain(VERBS)
            .copied()
            .collect();
        for (i, name) in names.iter().enumerate() {
            if let Some(at) = words.iter().position(|w| w == name) {
                words.remove(at);
            }
            words.insert((60 + i * 23).min(words.len()), name.to_string());
        }
        words.truncate(LEXICON_SIZE);
        Lexicon {
            cdf: cdf(words.len()),
            words,
            tail: Vec::new(),
        }
    }

    /// Three links in ten go to a long tail of `n` more sources, drawn by
    /// rank (a few cited often, most once or twice), as a news site cites
    /// over the years; without it every link goes to one of eight. The
    /// digests without a tail are the same as before it existed.
    pub fn with_tail_sources(mut self, n: usize) -> Lexicon {
        self.tail = cdf(n);
        self
    }

    /// A source domain: one of the eight common ones, or from the tail.
    fn domain(&self, rng: &mut Rng) -> String {
        if !self.tail.is_empty() && rng.below(10) < 3 {
            return format!("src{}.example.cn", rng.zipf_table(&self.tail) + 1);
        }
        rng.pick(DOMAINS).to_string()
    }

    /// A word drawn by frequency.
    pub fn word(&self, rng: &mut Rng) -> &str {
        &self.words[rng.zipf_table(&self.cdf)]
    }
}

/// Cumulative `1/(k+1)` weights of `n` ranks.
fn cdf(n: usize) -> Vec<f64> {
    let mut total = 0.0;
    (0..n)
        .map(|k| {
            total += 1.0 / (k + 1) as f64;
            total
        })
        .collect()
}

fn headline(rng: &mut Rng, lexicon: &Lexicon) -> String {
    format!(
        "{}{}{}{}",
        lexicon.word(rng),
        rng.pick(VERBS),
        lexicon.word(rng),
        rng.pick(OBJECTS)
    )
}

/// One sentence of an item's body: a subject, a verb and a run of words.
fn sentence(rng: &mut Rng, lexicon: &Lexicon, out: &mut String) {
    out.push_str(lexicon.word(rng));
    let verb = rng.pick::<&str>(VERBS);
    out.push_str(verb);
    for n in 0..rng.between(4, 12) {
        let w = lexicon.word(rng);
        // Latin words stand apart from the Chinese around them.
        if w.is_ascii() {
            let _ = write!(out, " {w} ");
        } else {
            out.push_str(w);
        }
        if n % 5 == 4 {
            out.push('，');
        }
    }
    if rng.below(3) == 0 {
        out.push('，');
        let clause = rng.pick::<&str>(CLAUSES);
        out.push_str(clause);
    }
    out.push('。');
}

/// The `index`-th synthetic digest: `(file name, Markdown text)`.
pub fn digest(seed: u64, index: usize) -> (String, String) {
    digest_with(seed, index, &Lexicon::new(seed))
}

/// [`digest`] with the lexicon built once for many digests.
pub fn digest_with(seed: u64, index: usize, lexicon: &Lexicon) -> (String, String) {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let (y, m, d) = date_of(index);
    let slug = format!("ai{y:04}{m:02}{d:02}-{index}");
    let items = rng.between(8, 15);
    let mut tags: Vec<&str> = Vec::new();
    for _ in 0..rng.between(2, 5) {
        let t = TAGS[rng.zipf(TAGS.len())];
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let headlines: Vec<String> = (0..items).map(|_| headline(&mut rng, lexicon)).collect();
    let mut s = String::with_capacity(items * 900);
    let tag_list = tags
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = write!(
        s,
        "+++\nslug = \"{slug}\"\ndate = \"{y:04}-{m:02}-{d:02}\"\nlastmod = \"{y:04}-{m:02}-{d:02}\"\n\
         title = \"[AI资讯·{m:02}{d:02}] {}。{}。\"\ndescription = \"\"\nimage = \"{slug}-1.jpg\"\n\
         tags = [ {tag_list} ]\ncategories = [ \"AI资讯\" ]\n+++\n\n",
        headlines[0],
        headlines[1 % items],
    );
    for (n, h) in headlines.iter().enumerate() {
        let domain = lexicon.domain(&mut rng);
        let url = format!("https://{domain}/dy/article/{:016X}.html", rng.next_u64());
        let _ = write!(s, "\n## {h}\n\n![{h}]({slug}-{}.jpg)\n\n", items - n);
        for _ in 0..rng.between(3, 8) {
            sentence(&mut rng, lexicon, &mut s);
        }
        let _ = writeln!(s, "（报道详情：[{url}]({url})）");
    }
    (format!("{slug}.md"), s)
}

/// Inputs built to be slow, each one digest of about `bytes` bytes: a cost
/// that grows faster than the input shows first on these. `(name, text)`:
/// - `many-items`: one `##` heading per story, tens of thousands of them;
/// - `huge-list`: one story whose body is a list of links, one per line;
/// - `deep-quotes`: `>` nested once per byte;
/// - `deep-lists`: a list nested as deep as its indentation allows;
/// - `deep-html`: raw `<div>`s nested once per few bytes;
/// - `long-line`: one paragraph on a single line;
/// - `big-table`: one table of many rows;
/// - `same-titles`: many stories with one title and no link (the same id).
pub fn worst_cases(bytes: usize) -> Vec<(&'static str, String)> {
    let front = "+++\ntitle = \"worst case\"\ndate = 2024-05-26\ntags = [\"bench\"]\n+++\n\n";
    let fill = |unit: &dyn Fn(usize) -> String, head: &str| {
        let mut s = format!("{front}{head}");
        let mut i = 0;
        while s.len() < bytes {
            s.push_str(&unit(i));
            i += 1;
        }
        s
    };
    let depth = |unit: usize| bytes / unit;
    vec![
        (
            "many-items",
            fill(
                &|i| format!("## 第 {i} 条新闻\n\n正文 {i}，[来源](https://example.com/{i})\n\n"),
                "",
            ),
        ),
        (
            "huge-list",
            fill(
                &|i| format!("- entry {i} [link](https://example.com/{i})\n"),
                "## One story\n\n",
            ),
        ),
        (
            "deep-quotes",
            format!("{front}## One story\n\n{} x\n", ">".repeat(depth(1))),
        ),
        (
            "deep-lists",
            fill(&|i| format!("{}- x\n", "  ".repeat(i)), "## One story\n\n"),
        ),
        (
            "deep-html",
            format!(
                "{front}## One story\n\n{}x{}\n",
                "<div>".repeat(depth(11)),
                "</div>".repeat(depth(11))
            ),
        ),
        (
            "long-line",
            fill(&|i| format!("word{i} 中文字 "), "## One story\n\n"),
        ),
        (
            "big-table",
            fill(
                &|i| format!("| {i} | cell {i} |\n"),
                "## One story\n\n| n | text |\n|---|---|\n",
            ),
        ),
        (
            "same-titles",
            fill(&|_| "## 同一个标题\n\n正文。\n\n".to_string(), ""),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_shaped_like_the_seed() {
        let (name, text) = digest(7, 3);
        assert_eq!(digest(7, 3), (name.clone(), text.clone()));
        assert_ne!(digest(8, 3).1, text);
        assert_eq!(name, "ai20240523-3.md");
        let parsed = crate::digest::parse(
            std::path::Path::new("/"),
            std::path::Path::new("/x.md"),
            &text,
            &Default::default(),
            &Default::default(),
        )
        .expect("synthetic digest parses");
        let n = parsed.digest.items.len();
        assert!((8..=15).contains(&n), "{n} items");
        assert!(parsed.digest.items.iter().all(|i| i.source.is_some()));
        assert!(!parsed.digest.tags.is_empty());
    }

    #[test]
    fn a_long_tail_of_sources_takes_some_links() {
        let domains = |lexicon: &Lexicon| {
            let mut seen = std::collections::BTreeSet::new();
            for i in 0..200 {
                let (_, text) = digest_with(7, i, lexicon);
                for url in text.split("](https://").skip(1) {
                    seen.insert(url.split('/').next().unwrap_or("").to_string());
                }
            }
            seen
        };
        let common = domains(&Lexicon::new(7));
        assert_eq!(common.len(), DOMAINS.len());
        let tailed = domains(&Lexicon::new(7).with_tail_sources(5000));
        let tail = tailed.iter().filter(|d| d.ends_with(".example.cn")).count();
        assert!(tail > 300, "{tail} of {}", tailed.len());
        assert_eq!(tailed.len() - tail, DOMAINS.len());
        // No tail asked: the digests are those of the plain lexicon.
        let none = Lexicon::new(7).with_tail_sources(0);
        assert_eq!(digest_with(7, 5, &none), digest(7, 5));
    }

    #[test]
    fn dates_walk_back_through_the_calendar() {
        assert_eq!(date_of(0), (2024, 5, 26));
        assert_eq!(date_of(26), (2024, 4, 30));
        assert_eq!(date_of(26 + 30 + 31 + 29), (2024, 1, 31));
        assert_eq!(date_of(26 + 30 + 31 + 29 + 31), (2023, 12, 31));
    }
}
