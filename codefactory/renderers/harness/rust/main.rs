
fn main() {
    let mut nonce = ::std::string::String::new();
    let _ = ::std::io::BufRead::read_line(&mut ::std::io::stdin().lock(), &mut nonce);
    let nonce = nonce.trim();
    if nonce.is_empty() {
        ::std::eprintln!("no run nonce on stdin");
        ::std::process::exit(2);
    }
    cf_candidate::cf_h___CF_N__::run(&::std::format!("__CF_MARKER__ {}", nonce));
}
