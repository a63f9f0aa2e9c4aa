//! The `karat` command.

use anyhow::Context;
use clap::{Parser, Subcommand};
use diesel_async::RunQueryDsl;
use secrecy::{ExposeSecret, SecretString};

use karat::config::{DbConfig, LogFormat, ServeConfig};
use karat::server;

#[derive(Parser)]
#[command(
    name = "karat",
    version,
    about = "Karat: a real-time CRM for jewellery retailers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (migrates first). Without DATABASE_URL, runs an embedded PostgreSQL in the data dir.
    Serve {
        #[command(flatten)]
        db: DbConfig,
        #[command(flatten)]
        serve: ServeConfig,
        /// Load the demo tenants and users before serving.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate {
        #[command(flatten)]
        db: DbConfig,
    },
    /// Load the demo data (idempotent) and print the logins.
    Demo {
        #[command(flatten)]
        db: DbConfig,
    },
    /// Administrative tasks.
    Admin {
        #[command(flatten)]
        db: DbConfig,
        #[command(subcommand)]
        task: AdminTask,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Subcommand)]
enum AdminTask {
    /// Create a platform admin (runs the Karat service, outside any tenant).
    CreatePlatformAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Password (10–128 characters, not a common one).
        #[arg(long, env = "KARAT_ADMIN_PASSWORD", hide_env_values = true)]
        password: SecretString,
    },
    /// Create a tenant (a jewellery business).
    CreateTenant {
        #[arg(long)]
        name: String,
        #[arg(long)]
        slug: String,
        #[arg(long, default_value = "IN")]
        country: String,
        #[arg(long, default_value = "INR")]
        currency: String,
        #[arg(long, default_value = "Asia/Kolkata")]
        time_zone: String,
        #[arg(long, default_value = "en-IN")]
        locale: String,
        #[arg(long, default_value = "trial")]
        plan: String,
    },
}

#[actix_web::main]
async fn main() {
    // Each argon2 hash allocates 19 MiB. glibc's adaptive mmap threshold would
    // otherwise keep those blocks in per-thread arenas for good (hundreds of MB
    // after a burst of logins); a fixed threshold returns them to the OS.
    // SAFETY: mallopt only tunes the allocator; called before any threads start work.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
    let cli = Cli::parse();
    let format = match &cli.command {
        Command::Serve { serve, .. } => serve.log_format,
        _ => LogFormat::Pretty,
    };
    server::init_tracing(format);
    if let Err(e) = run(cli).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { db, serve, demo } => server::serve(db, serve, demo).await,
        Command::Openapi => {
            use utoipa::OpenApi;
            println!(
                "{}",
                karat::http::openapi::ApiDoc::openapi().to_pretty_json()?
            );
            Ok(())
        }
        Command::Migrate { db } => with_db(&db, async |_| Ok(())).await,
        Command::Demo { db } => {
            with_db(&db, async |pool| {
                karat::demo::load(pool).await?;
                karat::demo::print_credentials();
                Ok(())
            })
            .await
        }
        Command::Admin { db, task } => with_db(&db, async |pool| admin(pool, task).await).await,
    }
}

/// Opens and migrates the database, runs `f`, stops an embedded cluster.
async fn with_db(
    cfg: &DbConfig,
    f: impl AsyncFnOnce(&karat::db::Db) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut database = server::open_database(cfg).await?;
    let result = async {
        let pool = database.migrate_and_connect(2).await?;
        f(&pool).await
    }
    .await;
    if let Some(pg) = database.embedded.as_mut() {
        pg.stop();
    }
    result
}

async fn admin(db: &karat::db::Db, task: AdminTask) -> anyhow::Result<()> {
    use diesel::ExpressionMethods;
    use karat::db::schema::users;
    match task {
        AdminTask::CreatePlatformAdmin {
            email,
            name,
            password,
        } => {
            let email = email.trim().to_lowercase();
            karat::auth::password::check_policy("password", password.expose_secret(), Some(&email))
                .map_err(|e| anyhow::anyhow!("{}", e.problem().detail.unwrap_or_default()))?;
            let hash = karat::auth::password::hash(password.expose_secret().to_string())
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            db.platform_tx(async |c| {
                diesel::insert_into(users::table)
                    .values((
                        users::id.eq(uuid::Uuid::now_v7()),
                        users::email.eq(&email),
                        users::name.eq(name.trim()),
                        users::role.eq("platform_admin"),
                        users::password_hash.eq(&hash),
                    ))
                    .execute(c)
                    .await?;
                Ok(())
            })
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.problem().detail.unwrap_or_default()))
            .context("creating platform admin")?;
            println!("Platform admin {email} created.");
        }
        AdminTask::CreateTenant {
            name,
            slug,
            country,
            currency,
            time_zone,
            locale,
            plan,
        } => {
            let t = karat::tenants::NewTenant {
                name,
                slug,
                country: Some(country),
                currency: Some(currency),
                time_zone: Some(time_zone),
                locale: Some(locale),
                plan: Some(plan),
            }
            .normalise()
            .map_err(|e| anyhow::anyhow!("{}", e.problem().detail.unwrap_or_default()))?;
            let tenant = db
                .platform_tx(async |c| karat::tenants::insert(c, &t).await)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.problem().detail.unwrap_or_default()))?;
            println!(
                "Tenant {} created with id {}. Create its first business admin from the platform admin screen or POST /api/v1/tenants/{}/admins.",
                tenant.slug, tenant.id, tenant.id
            );
        }
    }
    Ok(())
}
