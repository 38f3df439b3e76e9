//! Errors of handlers and how they answer: pages get an HTML page, the API
//! a JSON object `{"error": …}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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
    /// The request body or batch is too large.
    TooLarge(String),
    /// Anything else; logged, answered 500 without details.
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> AppError {
        AppError::Internal(e)
    }
}

impl AppError {
    /// The HTTP status of the error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) | AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error as the API's JSON body.
    pub fn to_json(&self) -> serde_json::Value {
        let msg = match self {
            AppError::NotFound => "not found".to_string(),
            AppError::Forbidden => "not allowed for your role".to_string(),
            AppError::BadRequest(m) | AppError::TooLarge(m) => m.clone(),
            AppError::Invalid(v) => return v.clone(),
            AppError::Internal(_) => "internal error".to_string(),
        };
        serde_json::json!({ "error": msg })
    }

    fn log(&self) {
        if let AppError::Internal(e) = self {
            tracing::error!(target: "kefu::http", error = %format!("{e:#}"), "internal error");
        }
    }
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
        (self.0.status(), axum::Json(self.0.to_json())).into_response()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let (zh, en) = match &self {
            AppError::NotFound => ("页面不存在或无权查看", "Not found, or not yours to see"),
            AppError::Forbidden => ("您的角色无权执行此操作", "Your role may not do this"),
            AppError::BadRequest(_) | AppError::Invalid(_) => ("请求有误", "Bad request"),
            AppError::TooLarge(_) => ("文件太大", "Too large"),
            AppError::Internal(_) => ("服务器内部错误", "Internal error"),
        };
        let detail = match &self {
            AppError::BadRequest(m) | AppError::TooLarge(m) => m.clone(),
            _ => String::new(),
        };
        let body = format!(
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><link rel=\"stylesheet\" href=\"/assets/app.css\"><title>{} {}</title><main class=\"error\"><h1>{}</h1><p>{} / {}</p><p>{}</p><p><a href=\"/\">返回总览 · Back to the overview</a></p></main></html>",
            status.as_u16(),
            en,
            status.as_u16(),
            zh,
            en,
            crate::view::escape(&detail)
        );
        (status, axum::response::Html(body)).into_response()
    }
}
