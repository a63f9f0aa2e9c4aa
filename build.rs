// `embed_migrations!` reads the migrations directory at compile time; without
// this a new migration directory would not rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
