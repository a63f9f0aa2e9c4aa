//! Streamed exports: CSV a spreadsheet cannot be tricked by, or JSON lines.

use actix_web::{HttpResponse, web};
use futures_util::Stream;
use uuid::Uuid;

use crate::http::error::ApiError;

/// A spreadsheet cannot run what it reads: text starting with `= + - @`
/// (or a tab or carriage return) gets a leading apostrophe.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

impl Format {
    /// `csv` (the default) or `json`.
    pub fn parse(param: Option<&str>) -> Result<Format, ApiError> {
        match param {
            None | Some("csv") => Ok(Format::Csv),
            Some("json") => Ok(Format::JsonLines),
            Some(_) => Err(ApiError::invalid("format", "must be csv or json")),
        }
    }

    /// The first chunk: the CSV header row (nothing for JSON lines).
    pub fn header(self, columns: &[&str]) -> Option<web::Bytes> {
        (self == Format::Csv).then(|| web::Bytes::from(format!("{}\r\n", columns.join(","))))
    }

    /// One batch of rows; in CSV every cell is neutralised, in JSON lines each
    /// row is an object keyed by `columns` (missing cells are null).
    pub fn encode(self, columns: &[&str], rows: &[Vec<Option<String>>]) -> web::Bytes {
        let mut out = Vec::new();
        match self {
            Format::JsonLines => {
                for row in rows {
                    let obj: serde_json::Map<String, serde_json::Value> = columns
                        .iter()
                        .zip(row)
                        .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
                        .collect();
                    out.extend_from_slice(serde_json::Value::Object(obj).to_string().as_bytes());
                    out.push(b'\n');
                }
            }
            Format::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(&mut out);
                for row in rows {
                    let cells = row.iter().map(|c| neutralise(c.as_deref().unwrap_or("")));
                    if w.write_record(cells).is_err() {
                        break;
                    }
                }
                drop(w);
            }
        }
        web::Bytes::from(out)
    }

    /// The streaming response, offered as a download named `<stem>.csv|jsonl`.
    pub fn respond(
        self,
        stem: &str,
        body: impl Stream<Item = Result<web::Bytes, ApiError>> + 'static,
    ) -> HttpResponse {
        let (ct, ext) = match self {
            Format::JsonLines => ("application/x-ndjson", "jsonl"),
            Format::Csv => ("text/csv; charset=utf-8", "csv"),
        };
        HttpResponse::Ok()
            .content_type(ct)
            .insert_header((
                "content-disposition",
                format!("attachment; filename=\"{stem}.{ext}\""),
            ))
            .streaming(body)
    }
}

/// One batch of an export: the rows' cells and the last row's id (the
/// cursor for the next batch).
pub type Batch = (Vec<Vec<Option<String>>>, Option<Uuid>);

/// Streams an export: the header, then `fetch(after)` batch by batch (each in
/// its own transaction, so a million rows never sit in memory) until a batch
/// comes back shorter than `size`. An error mid-stream ends the body.
pub fn stream<F, Fut>(
    format: Format,
    columns: &'static [&'static str],
    size: usize,
    fetch: F,
) -> impl Stream<Item = Result<web::Bytes, ApiError>> + 'static
where
    F: Fn(Option<Uuid>) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<Batch, ApiError>>,
{
    let fetch = std::rc::Rc::new(fetch);
    let start = (Some(None::<Uuid>), format.header(columns));
    futures_util::stream::unfold(start, move |(cursor, header)| {
        let fetch = fetch.clone();
        async move {
            if let Some(h) = header {
                return Some((Ok(h), (cursor, None)));
            }
            let after = cursor?;
            match fetch(after).await {
                Ok((rows, last)) => {
                    let next = (rows.len() == size).then_some(last).flatten();
                    if rows.is_empty() {
                        return None;
                    }
                    Some((Ok(format.encode(columns, &rows)), (next.map(Some), None)))
                }
                Err(e) => {
                    tracing::error!(error = ?e, "export failed mid-stream");
                    Some((Err(e), (None, None)))
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(neutralise("+919845012345"), "'+919845012345");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("Lakshmi"), "Lakshmi");
    }

    #[test]
    fn csv_and_json_lines() {
        let rows = vec![vec![Some("=1+1".to_string()), None]];
        let csv = Format::Csv.encode(&["a", "b"], &rows);
        assert_eq!(&csv[..], b"'=1+1,\r\n");
        let json = Format::JsonLines.encode(&["a", "b"], &rows);
        assert_eq!(&json[..], b"{\"a\":\"=1+1\",\"b\":null}\n");
    }
}
