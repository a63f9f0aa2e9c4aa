//! The segment rule language: JSON conditions over a fixed list of customer
//! fields, compiled to one SQL `WHERE` clause with bind parameters. No eval,
//! no per-customer loops: a count over a million customers is one query.
//!
//! ```json
//! {"all": [
//!   {"field": "city", "op": "in", "value": ["Chennai", "Madurai"]},
//!   {"not": {"field": "tags", "op": "has", "value": "dnd-campaigns"}},
//!   {"any": [{"field": "birthday", "op": "within_next_days", "value": 7},
//!            {"field": "lifetime_value", "op": "gte", "value": 500000}]}
//! ]}
//! ```

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::ApiError;

/// A rule: a condition, or a group of rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Rule {
    /// Every rule holds.
    All {
        #[schema(no_recursion)]
        all: Vec<Rule>,
    },
    /// At least one rule holds.
    Any {
        #[schema(no_recursion)]
        any: Vec<Rule>,
    },
    /// The rule does not hold.
    Not {
        #[schema(no_recursion)]
        not: Box<Rule>,
    },
    /// One field compared with a value.
    Condition(Condition),
}

/// `field op value`, e.g. `{"field": "tier", "op": "eq", "value": "vip"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// One of the fields listed in the docs: text (`name`, `city`, `area`,
    /// `language`, `community`, `gender`, `customer_type`, `budget_band`,
    /// `tier`), `tags`, preferences (`metals`, `stones`, `categories`,
    /// `styles`), `lifetime_value`, `created_at`, `last_purchase_at`,
    /// occasions (`birthday`, `anniversary`, `family_birthday`,
    /// `family_anniversary`, `family_wedding`), consent (`consent_whatsapp`,
    /// `consent_sms`, `consent_email`, `consent_calls`), `dnd`,
    /// `home_store_id`, `purchase_share_diamond`, `purchase_share_gold`.
    pub field: String,
    pub op: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub value: Value,
}

/// A bind parameter of the compiled SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Text(String),
    TextArray(Vec<String>),
    Int(i64),
    IntArray(Vec<i32>),
    Float(f64),
    Uuid(Uuid),
    UuidArray(Vec<Uuid>),
    Bool(bool),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

/// The compiled rule: SQL over `customers` (aliased as itself) with `$n` binds.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    pub sql: String,
    pub binds: Vec<Bind>,
}

const MAX_NODES: usize = 60;
const MAX_DEPTH: usize = 6;

/// What the rule is evaluated against: the tenant's today and now.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// The query is about one customer: correlated subqueries beat a
    /// tenant-wide aggregate.
    pub single: bool,
}

struct Compiler {
    ctx: Context,
    binds: Vec<Bind>,
    nodes: usize,
    /// Index of the first bind (when the caller already used some).
    offset: usize,
}

fn err(path: &str, msg: &str) -> ApiError {
    ApiError::invalid(path, msg)
}

/// Month*100+day of every calendar day from `today` to `today + days`, so a
/// birthday "in the next N days" is a plain `= ANY(...)`. Someone born on
/// 29 February celebrates on 28 February in years without one.
pub fn occasion_days(today: NaiveDate, days: u32) -> Vec<i32> {
    let mut out = Vec::new();
    for i in 0..=days {
        let d = today + Duration::days(i64::from(i));
        let md = (d.month() * 100 + d.day()) as i32;
        if !out.contains(&md) {
            out.push(md);
        }
        let leap = NaiveDate::from_ymd_opt(d.year(), 2, 29).is_some();
        if d.month() == 2 && d.day() == 28 && !leap && !out.contains(&229) {
            out.push(229);
        }
    }
    out
}

impl Compiler {
    fn bind(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.offset + self.binds.len())
    }

    fn rule(&mut self, r: &Rule, path: &str, depth: usize) -> Result<String, ApiError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(err("rule", "has too many conditions (at most 60)"));
        }
        if depth > MAX_DEPTH {
            return Err(err(path, "is nested too deeply (at most 6 levels)"));
        }
        match r {
            Rule::All { all } | Rule::Any { any: all } => {
                let (key, joiner, empty) = match r {
                    Rule::All { .. } => ("all", " AND ", "true"),
                    _ => ("any", " OR ", "false"),
                };
                if all.is_empty() {
                    return Ok(empty.into());
                }
                let parts = all
                    .iter()
                    .enumerate()
                    .map(|(i, r)| self.rule(r, &format!("{path}.{key}[{i}]"), depth + 1))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(format!("({})", parts.join(joiner)))
            }
            // Conditions are plain predicates (an unknown value is NULL, so
            // not matched, and indexes stay usable); only a negation has to
            // turn NULL into false first.
            Rule::Not { not } => Ok(format!(
                "(NOT coalesce({}, false))",
                self.rule(not, &format!("{path}.not"), depth + 1)?
            )),
            Rule::Condition(c) => self.condition(c, path),
        }
    }

    fn text(&self, v: &Value, path: &str) -> Result<String, ApiError> {
        match v.as_str() {
            Some(s) if !s.trim().is_empty() && s.chars().count() <= 120 => Ok(s.trim().into()),
            _ => Err(err(path, "must be text of 1 to 120 characters")),
        }
    }

    fn texts(&self, v: &Value, path: &str) -> Result<Vec<String>, ApiError> {
        let items = v
            .as_array()
            .filter(|a| !a.is_empty() && a.len() <= 100)
            .ok_or_else(|| err(path, "must be a list of 1 to 100 values"))?;
        items.iter().map(|i| self.text(i, path)).collect()
    }

    fn days(&self, v: &Value, path: &str, max: i64) -> Result<i64, ApiError> {
        v.as_i64().filter(|d| (0..=max).contains(d)).ok_or_else(|| {
            err(
                path,
                &format!("must be a whole number of days from 0 to {max}"),
            )
        })
    }

    fn condition(&mut self, c: &Condition, path: &str) -> Result<String, ApiError> {
        let vpath = format!("{path}.value");
        let op = c.op.as_str();
        let bad_op = || {
            err(
                &format!("{path}.op"),
                &format!("is not an operator for {}", c.field),
            )
        };
        match c.field.as_str() {
            f @ ("name" | "city" | "area" | "language" | "community" | "gender"
            | "customer_type" | "budget_band" | "tier") => {
                let col = format!("customers.{f}");
                match op {
                    "eq" | "ne" => {
                        let v = self.text(&c.value, &vpath)?.to_lowercase();
                        let p = self.bind(Bind::Text(v));
                        Ok(if op == "eq" {
                            format!("(lower({col}) = {p})")
                        } else {
                            format!("({col} IS NULL OR lower({col}) <> {p})")
                        })
                    }
                    "in" | "not_in" => {
                        let v = self.texts(&c.value, &vpath)?;
                        let p = self.bind(Bind::TextArray(
                            v.iter().map(|s| s.to_lowercase()).collect(),
                        ));
                        let sql = format!("coalesce(lower({col}) = ANY({p}), false)");
                        Ok(if op == "in" {
                            sql
                        } else {
                            format!("(NOT {sql})")
                        })
                    }
                    "contains" => {
                        let v = self.text(&c.value, &vpath)?;
                        let p = self.bind(Bind::Text(crate::http::extract::contains_pattern(&v)));
                        Ok(format!("({col} ILIKE {p})"))
                    }
                    "is_null" => Ok(format!("({col} IS NULL)")),
                    "is_not_null" => Ok(format!("({col} IS NOT NULL)")),
                    _ => Err(bad_op()),
                }
            }
            "tags" => match op {
                "has" => {
                    let v = self.text(&c.value, &vpath)?.to_lowercase();
                    let p = self.bind(Bind::TextArray(vec![v]));
                    Ok(format!(
                        "(customers.tags @> {p} OR customers.auto_tags @> {p})"
                    ))
                }
                "has_any" | "has_none" => {
                    let v = self.texts(&c.value, &vpath)?;
                    let p = self.bind(Bind::TextArray(
                        v.iter().map(|s| s.to_lowercase()).collect(),
                    ));
                    let sql = format!("(customers.tags && {p} OR customers.auto_tags && {p})");
                    Ok(if op == "has_any" {
                        sql
                    } else {
                        format!("(NOT {sql})")
                    })
                }
                _ => Err(bad_op()),
            },
            f @ ("metals" | "stones" | "categories" | "styles") => {
                let v = match op {
                    "has" => vec![self.text(&c.value, &vpath)?],
                    "has_any" => self.texts(&c.value, &vpath)?,
                    _ => return Err(bad_op()),
                };
                let p = self.bind(Bind::TextArray(v));
                Ok(format!(
                    "coalesce(customers.preferences -> '{f}' ?| {p}, false)"
                ))
            }
            "lifetime_value" => {
                let cmp = match op {
                    "eq" => "=",
                    "gt" => ">",
                    "gte" => ">=",
                    "lt" => "<",
                    "lte" => "<=",
                    _ => return Err(bad_op()),
                };
                let v = c
                    .value
                    .as_i64()
                    .filter(|v| *v >= 0)
                    .ok_or_else(|| err(&vpath, "must be a whole non-negative amount"))?;
                let p = self.bind(Bind::Int(v));
                Ok(format!("(customers.lifetime_value {cmp} {p})"))
            }
            f @ ("created_at" | "last_purchase_at") => {
                let col = format!("customers.{f}");
                match op {
                    "within_last_days" | "before_days_ago" => {
                        let d = self.days(&c.value, &vpath, 36_500)?;
                        let p = self.bind(Bind::Time(self.ctx.now - Duration::days(d)));
                        let cmp = if op == "within_last_days" { ">=" } else { "<" };
                        Ok(format!("({col} {cmp} {p})"))
                    }
                    "is_null" => Ok(format!("({col} IS NULL)")),
                    "is_not_null" => Ok(format!("({col} IS NOT NULL)")),
                    _ => Err(bad_op()),
                }
            }
            f @ ("birthday" | "anniversary" | "family_birthday" | "family_anniversary") => {
                if op != "within_next_days" {
                    return Err(bad_op());
                }
                let d = self.days(&c.value, &vpath, 366)?;
                let p = self.bind(Bind::IntArray(occasion_days(self.ctx.today, d as u32)));
                let md = |col: &str| {
                    format!("(extract(month FROM {col}) * 100 + extract(day FROM {col}))::int")
                };
                Ok(match f {
                    // Stored month*100+day columns, indexed.
                    "birthday" => format!("(customers.birth_md = ANY({p}))"),
                    "anniversary" => format!("(customers.anniversary_md = ANY({p}))"),
                    "family_birthday" => format!(
                        "EXISTS (SELECT 1 FROM customer_family f WHERE f.customer_id = customers.id AND {} = ANY({p}))",
                        md("f.birth_date")
                    ),
                    _ => format!(
                        "EXISTS (SELECT 1 FROM customer_family f WHERE f.customer_id = customers.id AND {} = ANY({p}))",
                        md("f.anniversary")
                    ),
                })
            }
            "family_wedding" => {
                if op != "within_next_days" {
                    return Err(bad_op());
                }
                let d = self.days(&c.value, &vpath, 1_000)?;
                let from = self.bind(Bind::Date(self.ctx.today));
                let to = self.bind(Bind::Date(self.ctx.today + Duration::days(d)));
                Ok(format!(
                    "EXISTS (SELECT 1 FROM customer_family f WHERE f.customer_id = customers.id AND f.wedding_date BETWEEN {from} AND {to})"
                ))
            }
            f
            @ ("consent_whatsapp" | "consent_sms" | "consent_email" | "consent_calls" | "dnd") => {
                if op != "eq" {
                    return Err(bad_op());
                }
                let v = c
                    .value
                    .as_bool()
                    .ok_or_else(|| err(&vpath, "must be true or false"))?;
                let p = self.bind(Bind::Bool(v));
                Ok(match f.strip_prefix("consent_") {
                    Some(channel) => format!(
                        "(coalesce((customers.consent -> '{channel}' ->> 'granted')::boolean, false) = {p})"
                    ),
                    None => format!("(customers.dnd = {p})"),
                })
            }
            "home_store_id" => {
                let ids = match op {
                    "eq" => vec![c.value.clone()],
                    "in" => c.value.as_array().cloned().unwrap_or_default(),
                    _ => return Err(bad_op()),
                };
                let ids = ids
                    .iter()
                    .map(|v| v.as_str().and_then(|s| s.parse::<Uuid>().ok()))
                    .collect::<Option<Vec<_>>>()
                    .filter(|v| !v.is_empty() && v.len() <= 100)
                    .ok_or_else(|| err(&vpath, "must be store ids"))?;
                let p = self.bind(Bind::UuidArray(ids));
                Ok(format!("(customers.home_store_id = ANY({p}))"))
            }
            f @ ("purchase_share_diamond" | "purchase_share_gold") => {
                if op != "gte" {
                    return Err(bad_op());
                }
                let share = c
                    .value
                    .as_f64()
                    .filter(|v| (0.0..=1.0).contains(v))
                    .ok_or_else(|| err(&vpath, "must be a share between 0 and 1"))?;
                let p = self.bind(Bind::Float(share));
                let test = if f.ends_with("diamond") {
                    "i.stone = 'diamond'"
                } else {
                    "i.metal = 'gold'"
                };
                if self.ctx.single {
                    return Ok(format!(
                        "coalesce((SELECT avg(({test})::int) FROM visits v JOIN visit_interests i ON i.visit_id = v.id
                           WHERE v.customer_id = customers.id AND i.outcome = 'purchased') >= {p}, false)"
                    ));
                }
                // One grouped pass over purchases, joined back: no per-customer subquery.
                Ok(format!(
                    "customers.id IN (SELECT v.customer_id FROM visits v JOIN visit_interests i ON i.visit_id = v.id
                       WHERE i.outcome = 'purchased' GROUP BY v.customer_id
                       HAVING avg(({test})::int) >= {p})"
                ))
            }
            _ => Err(err(
                &format!("{path}.field"),
                "is not a field rules can use",
            )),
        }
    }
}

/// Compiles a rule; binds are numbered from `offset + 1`.
pub fn compile(rule: &Rule, ctx: Context, offset: usize) -> Result<Compiled, ApiError> {
    let mut c = Compiler {
        ctx,
        binds: Vec::new(),
        nodes: 0,
        offset,
    };
    let sql = c.rule(rule, "rule", 0)?;
    Ok(Compiled {
        sql,
        binds: c.binds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn birthdays_on_28_february_in_a_common_year_include_the_29th() {
        assert_eq!(occasion_days(d(2027, 2, 28), 0), vec![228, 229]);
        assert_eq!(occasion_days(d(2027, 2, 27), 1), vec![227, 228, 229]);
    }

    #[test]
    fn in_a_leap_year_the_29th_is_its_own_day() {
        assert_eq!(occasion_days(d(2028, 2, 28), 0), vec![228]);
        assert_eq!(occasion_days(d(2028, 2, 28), 1), vec![228, 229]);
        assert_eq!(occasion_days(d(2028, 2, 29), 1), vec![229, 301]);
    }

    #[test]
    fn windows_cross_month_and_year_ends() {
        assert_eq!(occasion_days(d(2026, 12, 31), 1), vec![1231, 101]);
        assert_eq!(
            occasion_days(d(2026, 12, 30), 3),
            vec![1230, 1231, 101, 102]
        );
        assert_eq!(occasion_days(d(2026, 1, 31), 1), vec![131, 201]);
        assert_eq!(occasion_days(d(2026, 4, 30), 1), vec![430, 501]);
    }

    #[test]
    fn a_whole_year_is_every_day_once() {
        let all = occasion_days(d(2026, 3, 1), 366);
        assert_eq!(all.len(), 366);
    }

    fn ctx() -> Context {
        Context {
            today: d(2026, 11, 26),
            now: Utc::now(),
            single: false,
        }
    }

    #[test]
    fn compiles_groups_with_numbered_binds() {
        let rule: Rule = serde_json::from_value(json!({"all": [
            {"field": "city", "op": "in", "value": ["Chennai", "Madurai"]},
            {"not": {"field": "tags", "op": "has", "value": "No-Calls"}},
            {"any": [
                {"field": "birthday", "op": "within_next_days", "value": 7},
                {"field": "lifetime_value", "op": "gte", "value": 500000}
            ]}
        ]}))
        .unwrap();
        let c = compile(&rule, ctx(), 1).unwrap();
        assert_eq!(c.binds.len(), 4);
        assert!(c.sql.contains("$2") && c.sql.contains("$5") && !c.sql.contains("$6"));
        assert_eq!(c.binds[1], Bind::TextArray(vec!["no-calls".into()]));
        assert!(
            c.sql
                .starts_with("(coalesce(lower(customers.city) = ANY($2), false) AND (NOT")
        );
    }

    #[test]
    fn refuses_unknown_fields_operators_and_values() {
        for (rule, field) in [
            (
                json!({"field": "password_hash", "op": "eq", "value": "x"}),
                "rule.field",
            ),
            (
                json!({"field": "city", "op": "gt", "value": "x"}),
                "rule.op",
            ),
            (
                json!({"field": "lifetime_value", "op": "gte", "value": "lots"}),
                "rule.value",
            ),
            (
                json!({"field": "birthday", "op": "within_next_days", "value": 400}),
                "rule.value",
            ),
            (
                json!({"all": [{"field": "city", "op": "eq", "value": "'; DROP TABLE customers; --"}, {"field": "nope", "op": "eq", "value": 1}]}),
                "rule.all[1].field",
            ),
        ] {
            let r: Rule = serde_json::from_value(rule).unwrap();
            match compile(&r, ctx(), 0) {
                Err(ApiError::Validation(e)) => assert_eq!(e[0].field, field),
                other => panic!("{other:?}"),
            }
        }
        // Values never reach the SQL text.
        let r: Rule = serde_json::from_value(
            json!({"field": "city", "op": "eq", "value": "'; DROP TABLE customers; --"}),
        )
        .unwrap();
        assert!(!compile(&r, ctx(), 0).unwrap().sql.contains("DROP"));
    }

    #[test]
    fn limits_size_and_depth() {
        let mut r = json!({"field": "dnd", "op": "eq", "value": false});
        for _ in 0..8 {
            r = json!({"not": r});
        }
        let r: Rule = serde_json::from_value(r).unwrap();
        assert!(compile(&r, ctx(), 0).is_err());
        let many: Vec<Value> = (0..61)
            .map(|_| json!({"field": "dnd", "op": "eq", "value": false}))
            .collect();
        let r: Rule = serde_json::from_value(json!({"any": many})).unwrap();
        assert!(compile(&r, ctx(), 0).is_err());
    }
}
