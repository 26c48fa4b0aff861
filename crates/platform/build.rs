//! Embeds `supabase/local/*.sql` and `supabase/migrations/*.sql` into the crate, so the binary can
//! migrate a database without the source tree next to it.

use std::{env, fs, path::Path};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../supabase");
    let mut out = String::new();
    for (constant, dir) in [("LOCAL_SHIM", "local"), ("MIGRATIONS", "migrations")] {
        let dir = root.join(dir);
        println!("cargo::rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|entry| entry.expect("directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
            .collect();
        files.sort();
        out.push_str(&format!("pub(crate) static {constant}: &[SqlFile] = &[\n"));
        for path in files {
            println!("cargo::rerun-if-changed={}", path.display());
            let file_name = path.file_name().unwrap().to_string_lossy();
            out.push_str(&format!(
                "    SqlFile {{ file_name: {file_name:?}, sql: include_str!({:?}) }},\n",
                path.canonicalize().unwrap()
            ));
        }
        out.push_str("];\n");
    }
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("sql_files.rs"), out).unwrap();
}
