//! Errors of handlers and how they answer: pages get an HTML page in the
//! viewer's language, the API a JSON object `{"error": …}` (English, for
//! programs) with `"message"` in the viewer's language and, for bad input,
//! the `"field"`. The service layer's [`kefu_app::Error`] converts into
//! [`AppError`], so every refusal answers the same everywhere.

use crate::i18n::{self, Lang};
use axum::http::{HeaderValue, StatusCode, header::RETRY_AFTER};
use axum::response::{IntoResponse, Response};

/// How long a client is asked to wait before it tries a busy write again.
pub const RETRY_AFTER_SECONDS: u32 = 5;

/// What went wrong in a request.
#[derive(Debug)]
pub enum AppError {
    /// Not there, or not visible to the asker: both answer 404, so that
    /// nobody learns what another tenant has.
    NotFound,
    /// Visible, but the action is not allowed to the asker's role.
    Forbidden,
    /// Bad input, with the reason (field and what is wrong).
    BadRequest(String),
    /// Bad input with details per record.
    Invalid(serde_json::Value),
    /// Refused by a rule of the service layer, with its reason in both
    /// languages (400 for bad input, 409 for a clash with what is stored).
    Refused {
        /// 400 or 409.
        status: StatusCode,
        /// The field at fault, when one is.
        field: Option<&'static str>,
        /// The reason in Chinese.
        zh: String,
        /// The reason in English.
        en: String,
    },
    /// The request body or batch is too large.
    TooLarge(String),
    /// Another write held the database past the wait allowed: 503 with
    /// `Retry-After`; nothing was written.
    Busy,
    /// Anything else; logged, answered 500 without details.
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> AppError {
        kefu_app::Error::from(e).into()
    }
}

impl From<kefu_app::Error> for AppError {
    fn from(e: kefu_app::Error) -> AppError {
        use kefu_app::Error as E;
        match e {
            E::NotFound => AppError::NotFound,
            E::Forbidden => AppError::Forbidden,
            E::Invalid { field, zh, en } => AppError::Refused {
                status: StatusCode::BAD_REQUEST,
                field,
                zh,
                en,
            },
            E::Conflict { zh, en } => AppError::Refused {
                status: StatusCode::CONFLICT,
                field: None,
                zh,
                en,
            },
            E::Busy => AppError::Busy,
            E::Internal(e) => AppError::Internal(e),
        }
    }
}

impl AppError {
    /// The HTTP status of the error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) | AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::Refused { status, .. } => *status,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The reason in a language (the detail of bad input as given).
    pub fn text(&self, lang: Lang) -> String {
        match self {
            AppError::NotFound => lang.t("不存在或无权查看", "not found").into(),
            AppError::Forbidden => lang
                .t("您的角色无权执行此操作", "not allowed for your role")
                .into(),
            AppError::BadRequest(m) | AppError::TooLarge(m) => m.clone(),
            AppError::Invalid(v) => v.to_string(),
            AppError::Refused { zh, en, .. } => lang.t(zh, en).into(),
            AppError::Busy => kefu_app::Error::Busy.text(lang),
            AppError::Internal(_) => lang.t("服务器内部错误", "internal error").into(),
        }
    }

    /// The error as the API's JSON body.
    pub fn to_json(&self) -> serde_json::Value {
        if let AppError::Invalid(v) = self {
            return v.clone();
        }
        let mut body = serde_json::json!({ "error": self.text(Lang::En) });
        if let AppError::Refused { .. } | AppError::Busy = self {
            body["message"] = self.text(i18n::current()).into();
        }
        if let AppError::Refused { field: Some(f), .. } = self {
            body["field"] = (*f).into();
        }
        body
    }

    fn log(&self) {
        if let AppError::Internal(e) = self {
            tracing::error!(target: "kefu::http", error = %format!("{e:#}"), "internal error");
        }
    }

    /// Adds `Retry-After` to the answer of a busy write.
    fn finish(&self, mut res: Response) -> Response {
        if let AppError::Busy = self {
            res.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        res
    }
}

/// The JSON body of an API error, as [`AppError::to_json`] writes it (for
/// the OpenAPI document).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in English.
    pub error: String,
    /// The reason in the viewer's language (refusals of a rule, busy).
    pub message: Option<String>,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// A refused batch: each bad record (at most 50).
    pub errors: Option<Vec<crate::import::ingest::RecordError>>,
}

/// The errors a read of the API may answer (for the document).
#[derive(utoipa::IntoResponses)]
pub enum ReadErrors {
    /// Bad input.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// Not logged in: no valid token or session.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Not found, or not visible to the caller.
    #[response(status = 404)]
    NotFound(ErrorBody),
}

/// An error answered as JSON (the API).
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> ApiError {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let res = (self.0.status(), axum::Json(self.0.to_json())).into_response();
        self.0.finish(res)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let lang = i18n::current();
        let title = match &self {
            AppError::NotFound => lang.t("页面不存在或无权查看", "Not found, or not yours to see"),
            AppError::Forbidden => lang.t("您的角色无权执行此操作", "Your role may not do this"),
            AppError::BadRequest(_) | AppError::Invalid(_) | AppError::Refused { .. } => {
                lang.t("请求有误", "Bad request")
            }
            AppError::TooLarge(_) => lang.t("文件太大", "Too large"),
            AppError::Busy => lang.t("系统正忙", "Busy"),
            AppError::Internal(_) => lang.t("服务器内部错误", "Internal error"),
        };
        let detail = match &self {
            AppError::BadRequest(_)
            | AppError::TooLarge(_)
            | AppError::Refused { .. }
            | AppError::Busy => self.text(lang),
            _ => String::new(),
        };
        let body = format!(
            "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><link rel=\"stylesheet\" href=\"/assets/app.css\"><title>{} {}</title><main class=\"error\"><h1>{}</h1><p>{}</p><p>{}</p><p><a href=\"/\">{}</a></p></main></html>",
            lang.code(),
            status.as_u16(),
            title,
            status.as_u16(),
            title,
            crate::view::escape(&detail),
            lang.t("返回总览", "Back to the overview"),
        );
        let res = (status, axum::response::Html(body)).into_response();
        self.finish(res)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_write_answers_503_with_retry_after() {
        let api = ApiError::from(kefu_app::Error::Busy).into_response();
        assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(api.headers()[RETRY_AFTER], "5");
        let page = AppError::from(kefu_app::Error::Busy).into_response();
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(page.headers()[RETRY_AFTER], "5");
        let json = AppError::Busy.to_json();
        assert!(json["error"].as_str().unwrap().contains("busy"), "{json}");
    }

    #[test]
    fn refusals_answer_with_field_and_both_languages() {
        let e: AppError = kefu_app::Error::invalid("client", "需要甲方", "needs a client").into();
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        let json = e.to_json();
        assert_eq!(json["error"], "needs a client");
        assert_eq!(json["field"], "client");
        assert_eq!(json["message"], "需要甲方", "outside a request: Chinese");
        let e: AppError = kefu_app::Error::conflict("已存在", "exists").into();
        assert_eq!(e.status(), StatusCode::CONFLICT);
    }
}
