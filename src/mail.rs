//! Outgoing mail: SMTP when configured, otherwise the outbox table and the log,
//! so password resets and invitations work out of the box.

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::db::Conn;
use crate::db::schema::mail_outbox;
use crate::http::error::ApiError;

/// Where mail goes.
pub struct Mailer {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

/// A message ready to send.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mailer {
    /// From configuration; an invalid SMTP URL or sender is a start-up error.
    pub fn new(smtp_url: Option<&secrecy::SecretString>, from: &str) -> anyhow::Result<Self> {
        let smtp = smtp_url
            .map(|u| {
                AsyncSmtpTransport::<Tokio1Executor>::from_url(u.expose_secret()).map(|b| b.build())
            })
            .transpose()
            .map_err(|e| anyhow::anyhow!("KARAT_SMTP_URL is invalid: {e}"))?;
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("KARAT_MAIL_FROM is invalid: {e}"))?;
        Ok(Mailer { smtp, from })
    }

    /// Records the mail in the outbox (inside the caller's platform transaction).
    /// Call [`Mailer::deliver`] after commit.
    pub async fn enqueue(&self, conn: &mut Conn, mail: &Mail) -> Result<Uuid, ApiError> {
        let id = Uuid::now_v7();
        diesel::insert_into(mail_outbox::table)
            .values((
                mail_outbox::id.eq(id),
                mail_outbox::to_email.eq(&mail.to),
                mail_outbox::subject.eq(&mail.subject),
                mail_outbox::body.eq(&mail.body),
            ))
            .execute(conn)
            .await?;
        Ok(id)
    }

    /// Sends through SMTP when configured; otherwise the outbox row is the delivery.
    pub async fn deliver(&self, db: &crate::db::Db, id: Uuid, mail: Mail) {
        let Some(smtp) = &self.smtp else {
            tracing::info!(mail.id = %id, mail.to = %mail.to, mail.subject = %mail.subject, body = %mail.body,
                "mail stored in outbox (no SMTP configured)");
            return;
        };
        let message = mail
            .to
            .parse::<Mailbox>()
            .map_err(anyhow::Error::from)
            .and_then(|to| {
                Message::builder()
                    .from(self.from.clone())
                    .to(to)
                    .subject(mail.subject.clone())
                    .body(mail.body.clone())
                    .map_err(anyhow::Error::from)
            });
        match message {
            Ok(m) => match smtp.send(m).await {
                Ok(_) => {
                    let _ = db
                        .platform_tx(async |c| {
                            diesel::update(mail_outbox::table.find(id))
                                .set(mail_outbox::sent_at.eq(diesel::dsl::now))
                                .execute(c)
                                .await?;
                            Ok(())
                        })
                        .await;
                }
                Err(e) => {
                    tracing::warn!(mail.id = %id, error = %e, "SMTP delivery failed; mail kept in outbox")
                }
            },
            Err(e) => tracing::warn!(mail.id = %id, error = %e, "could not build mail"),
        }
    }
}
