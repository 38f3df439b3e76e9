//! The provider's client stores on four platforms, the agents who staff them
//! (pre-sales 售前 and after-sales 售后 teams, one person per account), and
//! how November's message target is shared among stores.

use crate::catalogue::{AGENT_NICKS, BRANDS, CATEGORIES, Category};
use crate::rng::Rng;
use std::collections::HashSet;

/// Messages per store on average.
const MESSAGES_PER_STORE: u64 = 33_000;

/// The e-commerce platform of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// 抖店 (Douyin).
    Douyin,
    /// 天猫 / 淘宝 (千牛).
    Tmall,
    /// 京东.
    Jd,
    /// 拼多多.
    Pdd,
}

impl Platform {
    const ALL: [Platform; 4] = [
        Platform::Douyin,
        Platform::Tmall,
        Platform::Jd,
        Platform::Pdd,
    ];

    fn prefix(self) -> &'static str {
        match self {
            Platform::Douyin => "dy",
            Platform::Tmall => "tm",
            Platform::Jd => "jd",
            Platform::Pdd => "pdd",
        }
    }

    fn base(self) -> u32 {
        match self {
            Platform::Douyin => 1000,
            Platform::Tmall => 2000,
            Platform::Jd => 3000,
            Platform::Pdd => 4000,
        }
    }

    fn shop_suffix(self) -> &'static str {
        match self {
            Platform::Douyin => "官方店",
            Platform::Tmall => "旗舰店",
            Platform::Jd => "京东旗舰店",
            Platform::Pdd => "品牌店",
        }
    }
}

/// The team an agent belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Team {
    /// 售前: answers inquiries.
    PreSales,
    /// 售后: logistics, returns, refunds.
    AfterSales,
}

impl Team {
    /// The skill in plans: `presale` or `aftersale`.
    pub fn skill(self) -> &'static str {
        match self {
            Team::PreSales => "presale",
            Team::AfterSales => "aftersale",
        }
    }

    /// 售前 or 售后.
    pub fn zh(self) -> &'static str {
        match self {
            Team::PreSales => "售前",
            Team::AfterSales => "售后",
        }
    }
}

/// How a store greets a buyer before a human answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Greeting {
    /// A robot (店小蜜, 京小智, …) writes as `sender = bot`.
    Bot,
    /// Automatic replies from the agent's account (`kind = auto`).
    Auto,
    /// No greeting.
    Plain,
}

/// A customer-service agent's sub-account.
#[derive(Debug, Clone)]
pub struct Agent {
    /// The platform sub-account, e.g. `tm-2001:小美`.
    pub account: String,
    /// The nickname used in chat.
    pub nick: String,
    /// The person behind the account, unique over the demo: the nick, with
    /// a number suffix where another store's agent already has it.
    pub person: String,
    /// Team.
    pub team: Team,
    /// Response-time factor in percent (100 = typical).
    pub speed: i64,
}

/// A client store served by the provider.
pub struct Store {
    /// Store code, e.g. `dy-1001`.
    pub code: String,
    /// Number part of the code.
    pub number: u32,
    /// Platform.
    pub platform: Platform,
    /// Display name used in greetings.
    pub name: String,
    /// What it sells.
    pub category: &'static Category,
    /// How buyers are greeted.
    pub greeting: Greeting,
    /// Its agents; at least one per team.
    pub agents: Vec<Agent>,
    /// Message rows to generate for it in November.
    pub budget: u64,
}

/// Shares `total` among `weights` proportionally (remainders to the first).
fn share(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut out: Vec<u64> = weights
        .iter()
        .map(|&w| (u128::from(total) * u128::from(w) / u128::from(sum)) as u64)
        .collect();
    let mut left = total - out.iter().sum::<u64>();
    for v in out.iter_mut() {
        if left == 0 {
            break;
        }
        *v += 1;
        left -= 1;
    }
    out
}

/// The stores (at least four, one per platform first) and their agents for
/// a target of `messages` rows.
pub fn build(messages: u64, seed: u64) -> Vec<Store> {
    let count = ((messages + MESSAGES_PER_STORE / 2) / MESSAGES_PER_STORE).max(4) as usize;
    let mut rng = Rng::derive(seed, 0);
    let sizes: Vec<u64> = (0..count)
        .map(|_| *rng.pick(&[40, 60, 80, 100, 100, 100, 120, 150, 200, 260]))
        .collect();
    let budgets = share(messages, &sizes);
    let agents_total = ((count as u64 * 33 + 5) / 10).max(2 * count as u64);
    let extra = share(agents_total - 2 * count as u64, &sizes);
    let mut per_platform = [0u32; 4];
    let mut people = HashSet::new();
    let mut stores = Vec::with_capacity(count);
    for i in 0..count {
        let p = if i < 4 {
            i
        } else {
            rng.weighted(&[30, 35, 15, 20])
        };
        let platform = Platform::ALL[p];
        per_platform[p] += 1;
        let number = platform.base() + per_platform[p];
        let code = format!("{}-{}", platform.prefix(), number);
        let category = rng.pick(CATEGORIES);
        let name = format!(
            "{}{}{}",
            rng.pick(BRANDS),
            category.name,
            platform.shop_suffix()
        );
        let greeting = match rng.below(10) {
            0..=3 => Greeting::Bot,
            4..=6 => Greeting::Auto,
            _ => Greeting::Plain,
        };
        let mut agents = staff(&mut rng, &code, platform, 2 + extra[i] as usize);
        for a in &mut agents {
            a.person = unique_person(&mut people, &a.nick);
        }
        stores.push(Store {
            code,
            number,
            platform,
            name,
            category,
            greeting,
            agents,
            budget: budgets[i],
        });
    }
    stores
}

/// `nick` if no one in `taken` has it yet, else `nick2`, `nick3`, …; the
/// name returned is added to `taken`.
fn unique_person(taken: &mut HashSet<String>, nick: &str) -> String {
    let mut name = nick.to_string();
    let mut k = 1;
    while taken.contains(&name) {
        k += 1;
        name = format!("{nick}{k}");
    }
    taken.insert(name.clone());
    name
}

/// `n` (≥ 2) agents, about two thirds of them pre-sales, at least one per team.
fn staff(rng: &mut Rng, code: &str, platform: Platform, n: usize) -> Vec<Agent> {
    let pre = ((n * 65 + 50) / 100).clamp(1, n - 1);
    let teams: Vec<Team> = (0..n)
        .map(|i| {
            if i < pre {
                Team::PreSales
            } else {
                Team::AfterSales
            }
        })
        .collect();
    let len = AGENT_NICKS.len();
    let offset = rng.below(len as u64) as usize;
    let step = 1 + rng.below(len as u64 - 1) as usize;
    teams
        .iter()
        .enumerate()
        .map(|(i, &team)| {
            let stem = AGENT_NICKS[(offset + i * step) % len];
            let nick = match i / len {
                0 => stem.to_string(),
                k => format!("{stem}{}", k + 1),
            };
            let role = team.zh();
            let account = match (platform, team) {
                (Platform::Douyin | Platform::Pdd, _) => format!("{code}:{role}-{nick}"),
                (Platform::Tmall, Team::PreSales) | (Platform::Jd, Team::PreSales) => {
                    format!("{code}:{nick}")
                }
                (Platform::Tmall, Team::AfterSales) => format!("{code}:售后{nick}"),
                (Platform::Jd, Team::AfterSales) => format!("{code}:售后-{nick}"),
            };
            Agent {
                account,
                nick,
                person: String::new(),
                team,
                speed: rng.range(60, 140),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_and_staffing() {
        let small = build(200_000, 1);
        assert_eq!(small.len(), 6);
        assert_eq!(small.iter().map(|s| s.budget).sum::<u64>(), 200_000);
        let big = build(10_000_000, 1);
        assert_eq!(big.len(), 303);
        let agents: usize = big.iter().map(|s| s.agents.len()).sum();
        assert_eq!(agents, 1000);
        for s in &big {
            assert!(s.agents.iter().any(|a| a.team == Team::PreSales));
            assert!(s.agents.iter().any(|a| a.team == Team::AfterSales));
            let mut names: Vec<&str> = s.agents.iter().map(|a| a.account.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), s.agents.len());
        }
        let people: HashSet<&str> = big
            .iter()
            .flat_map(|s| s.agents.iter().map(|a| a.person.as_str()))
            .collect();
        assert_eq!(people.len(), 1000);
        assert!(people.contains("小美") && people.contains("小美2"));
        let tiny = build(0, 3);
        let prefixes: Vec<&str> = tiny.iter().map(|s| &s.code[..2]).collect();
        assert_eq!(prefixes, ["dy", "tm", "jd", "pd"]);
    }
}
