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

fn headline(rng: &mut Rng) -> String {
    format!(
        "{}{}{}",
        rng.pick(SUBJECTS),
        rng.pick(VERBS),
        rng.pick(OBJECTS)
    )
}

/// The `index`-th synthetic digest: `(file name, Markdown text)`.
pub fn digest(seed: u64, index: usize) -> (String, String) {
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
    let headlines: Vec<String> = (0..items).map(|_| headline(&mut rng)).collect();
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
        let domain = rng.pick(DOMAINS);
        let url = format!("https://{domain}/dy/article/{:016X}.html", rng.next_u64());
        let _ = write!(s, "\n## {h}\n\n![{h}]({slug}-{}.jpg)\n\n", items - n);
        for _ in 0..rng.between(4, 12) {
            let _ = write!(
                s,
                "{}{}，{}。",
                rng.pick(SUBJECTS),
                rng.pick(VERBS),
                rng.pick(CLAUSES)
            );
        }
        let _ = writeln!(s, "（报道详情：[{url}]({url})）");
    }
    (format!("{slug}.md"), s)
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
    fn dates_walk_back_through_the_calendar() {
        assert_eq!(date_of(0), (2024, 5, 26));
        assert_eq!(date_of(26), (2024, 4, 30));
        assert_eq!(date_of(26 + 30 + 31 + 29), (2024, 1, 31));
        assert_eq!(date_of(26 + 30 + 31 + 29 + 31), (2023, 12, 31));
    }
}
