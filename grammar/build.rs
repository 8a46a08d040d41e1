//! Build script: generates the LR(1) parser from `src/grammar.lalrpop` with lalrpop.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    lalrpop::Configuration::new().set_in_dir("src").emit_rerun_directives(true).process()
}
