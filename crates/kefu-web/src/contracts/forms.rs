//! The forms of a contract's page: the next step (`advance`), notice, an
//! end, and an agent's assignment, training or assessment on one of its
//! stores. Each calls the same [`kefu_app::Gate`] method as the CLI and
//! the API; a refused step is shown on the page with its reasons (409)
//! and changes nothing; a done one comes back to the page with a notice.

use super::contract::contract_page;
use crate::auth::{Viewer, url_encode};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::contracts::{parse_date, parse_month, parse_party, parse_yuan, today};
use kefu_contract::State as ContractState;
use kefu_db::billing::StoreAgent;
use std::collections::HashMap;

type Form = axum::Form<HashMap<String, String>>;

fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map(|s| s.trim()).unwrap_or("")
}

fn day(form: &HashMap<String, String>, name: &'static str) -> kefu_app::Result<jiff::civil::Date> {
    match field(form, name) {
        "" => Ok(today()),
        d => parse_date(name, d),
    }
}

/// Back to the page with what was done, or the page again with why not.
async fn answer(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    done: kefu_app::Result<String>,
) -> Result<Response, AppError> {
    match done {
        Ok(text) => {
            let to = format!("/contracts/{}?done={}", url_encode(id), url_encode(&text));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (kefu_app::Error::Invalid { .. } | kefu_app::Error::Conflict { .. })) => {
            contract_page(state, viewer, id, String::new(), e.text(viewer.lang)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Moves the contract to the form's state.
pub async fn advance(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): Form,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let done = async {
        let text = field(&form, "state");
        let to = ContractState::parse(text).ok_or_else(|| {
            kefu_app::Error::invalid(
                "state",
                format!("“{text}”不是合同状态"),
                format!("'{text}' is not a contract state"),
            )
        })?;
        let v = gate
            .contract_advance(&id, to, day(&form, "on")?, field(&form, "reason"))
            .await?;
        Ok(format!(
            "{} {}",
            l.t("已进入", "now"),
            l.t(&v.state_zh, &v.state)
        ))
    }
    .await;
    answer(&state, &viewer, &id, done).await
}

/// Declares a month's sales (the client, or the provider for them).
pub async fn declare(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): Form,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let done = async {
        let month = parse_month("month", field(&form, "month"))?;
        let sales = parse_yuan("sales", field(&form, "sales"))?;
        let d = gate.declare_sales(&id, month, sales).await?;
        let mut text = format!(
            "{} {} ¥{}",
            d.month,
            l.t("已申报销售额", "sales declared"),
            d.sales
        );
        if let Some(n) = d.invoice {
            text.push_str(&format!(
                "；{} {n}",
                l.t("已重算账单", "invoice recomputed:")
            ));
        }
        Ok(text)
    }
    .await;
    answer(&state, &viewer, &id, done).await
}

/// Gives written notice.
pub async fn notice(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): Form,
) -> Result<Response, AppError> {
    by_party(&state, &viewer, &id, &form, false).await
}

/// Ends the contract: a trial cancellation in the trial, a breach outside it.
pub async fn end(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): Form,
) -> Result<Response, AppError> {
    by_party(&state, &viewer, &id, &form, true).await
}

/// A notice (`end` false) or an end given by the form's party.
async fn by_party(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    form: &HashMap<String, String>,
    end: bool,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let gate = viewer.gate(state);
    let l = viewer.lang;
    let done = async {
        let by = parse_party(field(form, "by"))?;
        let (on, reason) = (day(form, "on")?, field(form, "reason"));
        if end {
            let v = gate.contract_end(id, on, by, reason).await?;
            Ok(format!(
                "{} {}",
                l.t("合同已终止：", "ended:"),
                v.ending.unwrap_or_default()
            ))
        } else {
            let v = gate.contract_notice(id, on, by, reason).await?;
            let last = v.last_served.unwrap_or_default();
            Ok(format!(
                "{} {last}",
                l.t("已通知解约，最后服务日", "notice given; last day served")
            ))
        }
    }
    .await;
    answer(state, viewer, id, done).await
}

/// Assigns an agent to one of the contract's stores (`what=assign`), or
/// records their training (`what=training`) or assessment (`what=assess`).
pub async fn agent(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(form): Form,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let done = async {
        let v = gate.contract(&id).await?;
        let store = field(&form, "store");
        if !v.stores.iter().any(|s| s == store) {
            return Err(kefu_app::Error::invalid(
                "store",
                format!("店铺 {store} 不在合同 {id} 中"),
                format!("store {store} is not in contract {id}"),
            ));
        }
        let agent = field(&form, "agent");
        let number = |name: &'static str| -> kefu_app::Result<f64> {
            let text = field(&form, name);
            text.parse::<f64>().map_err(|_| {
                kefu_app::Error::invalid(
                    name,
                    format!("{name}：“{text}”不是数字"),
                    format!("{name}: '{text}' is not a number"),
                )
            })
        };
        match field(&form, "what") {
            "assign" => {
                let a = StoreAgent {
                    store: store.into(),
                    agent: agent.into(),
                    account: field(&form, "account").into(),
                    team: Some(field(&form, "team"))
                        .filter(|t| !t.is_empty())
                        .map(str::to_string),
                    role: match field(&form, "role") {
                        "" => "presale".into(),
                        r => r.into(),
                    },
                };
                gate.save_store_agent(&a).await?;
                Ok(format!(
                    "{agent} {} {store}",
                    l.t("已分配到", "assigned to")
                ))
            }
            "training" => {
                gate.record_training(agent, store, day(&form, "on")?, field(&form, "topic"))
                    .await?;
                Ok(format!(
                    "{agent} {}",
                    l.t("培训已记录", "training recorded")
                ))
            }
            "assess" => {
                let (score, pass) = (number("score")?, number("pass_mark")?);
                gate.record_assessment(agent, store, day(&form, "on")?, score, pass)
                    .await?;
                Ok(format!(
                    "{agent} {}",
                    l.t("考核已记录", "assessment recorded")
                ))
            }
            other => Err(kefu_app::Error::invalid(
                "what",
                format!("不认识的操作 {other}"),
                format!("unknown action {other}"),
            )),
        }
    }
    .await;
    answer(&state, &viewer, &id, done).await
}
