
#[allow(warnings)]
pub(crate) mod cf_h___CF_N__ {
    mod seal { pub trait Sealed {} }
    trait Enc: seal::Sealed { fn cf(&self) -> String; }
    fn quote(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    out.push_str(&::std::format!("\\u{:04x}", c as u32))
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
    macro_rules! ints { ($($t:ty),*) => { $(impl seal::Sealed for $t {} impl Enc for $t {
        fn cf(&self) -> String { ::std::format!("{{\"int\":\"{}\"}}", self) }
    })* } }
    ints!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
    impl seal::Sealed for f64 {}
    impl Enc for f64 {
        fn cf(&self) -> String {
            if self.is_nan() { return "{\"float\":\"nan\"}".into(); }
            if self.is_infinite() {
                return if *self > 0.0 { "{\"float\":\"inf\"}" } else { "{\"float\":\"-inf\"}" }
                    .into();
            }
            ::std::format!("{{\"float\":\"{:?}\"}}", self)
        }
    }
    impl seal::Sealed for f32 {}
    impl Enc for f32 { fn cf(&self) -> String { Enc::cf(&(*self as f64)) } }
    impl seal::Sealed for bool {}
    impl Enc for bool { fn cf(&self) -> String { if *self { "true" } else { "false" }.into() } }
    impl seal::Sealed for String {}
    impl Enc for String { fn cf(&self) -> String { quote(self) } }
    impl seal::Sealed for str {}
    impl Enc for str { fn cf(&self) -> String { quote(self) } }
    impl seal::Sealed for char {}
    impl Enc for char { fn cf(&self) -> String { quote(&self.to_string()) } }
    impl<T: Enc + ?Sized> seal::Sealed for &T {}
    impl<T: Enc + ?Sized> Enc for &T { fn cf(&self) -> String { Enc::cf(&**self) } }
    impl<T: Enc + ?Sized> seal::Sealed for Box<T> {}
    impl<T: Enc + ?Sized> Enc for Box<T> { fn cf(&self) -> String { Enc::cf(&**self) } }
    fn list<'a, T: Enc + 'a>(items: impl Iterator<Item = &'a T>) -> String {
        let parts: Vec<String> = items.map(|x| Enc::cf(x)).collect();
        ::std::format!("[{}]", parts.join(","))
    }
    impl<T: Enc> seal::Sealed for Vec<T> {}
    impl<T: Enc> Enc for Vec<T> { fn cf(&self) -> String { list(self.iter()) } }
    impl<T: Enc> seal::Sealed for [T] {}
    impl<T: Enc> Enc for [T] { fn cf(&self) -> String { list(self.iter()) } }
    impl<T: Enc, const N: usize> seal::Sealed for [T; N] {}
    impl<T: Enc, const N: usize> Enc for [T; N] { fn cf(&self) -> String { list(self.iter()) } }
    impl<T: Enc> seal::Sealed for ::std::collections::VecDeque<T> {}
    impl<T: Enc> Enc for ::std::collections::VecDeque<T> {
        fn cf(&self) -> String { list(self.iter()) }
    }
    impl<T: Enc> seal::Sealed for Option<T> {}
    impl<T: Enc> Enc for Option<T> {
        fn cf(&self) -> String { match self { Some(x) => Enc::cf(x), None => "null".into() } }
    }
    fn dict<'a, K: Enc + 'a, V: Enc + 'a>(items: impl Iterator<Item = (&'a K, &'a V)>) -> String {
        let parts: Vec<String> =
            items.map(|(k, v)| ::std::format!("[{},{}]", Enc::cf(k), Enc::cf(v))).collect();
        ::std::format!("{{\"dict\":[{}]}}", parts.join(","))
    }
    impl<K: Enc, V: Enc, S> seal::Sealed for ::std::collections::HashMap<K, V, S> {}
    impl<K: Enc, V: Enc, S> Enc for ::std::collections::HashMap<K, V, S> {
        fn cf(&self) -> String { dict(self.iter()) }
    }
    impl<K: Enc, V: Enc> seal::Sealed for ::std::collections::BTreeMap<K, V> {}
    impl<K: Enc, V: Enc> Enc for ::std::collections::BTreeMap<K, V> {
        fn cf(&self) -> String { dict(self.iter()) }
    }
    impl<T: Enc, S> seal::Sealed for ::std::collections::HashSet<T, S> {}
    impl<T: Enc, S> Enc for ::std::collections::HashSet<T, S> {
        fn cf(&self) -> String { ::std::format!("{{\"set\":{}}}", list(self.iter())) }
    }
    impl<T: Enc> seal::Sealed for ::std::collections::BTreeSet<T> {}
    impl<T: Enc> Enc for ::std::collections::BTreeSet<T> {
        fn cf(&self) -> String { ::std::format!("{{\"set\":{}}}", list(self.iter())) }
    }
    impl seal::Sealed for () {}
    impl Enc for () { fn cf(&self) -> String { "null".into() } }
    macro_rules! tuples { ($(($($n:tt $t:ident),+)),*) => { $(
        impl<$($t: Enc),+> seal::Sealed for ($($t,)+) {}
        impl<$($t: Enc),+> Enc for ($($t,)+) {
            fn cf(&self) -> String {
                let parts: Vec<String> = ::std::vec![$(Enc::cf(&self.$n)),+];
                ::std::format!("{{\"tuple\":[{}]}}", parts.join(","))
            }
        }
    )* } }
    tuples!((0 A), (0 A, 1 B), (0 A, 1 B, 2 C), (0 A, 1 B, 2 C, 3 D), (0 A, 1 B, 2 C, 3 D, 4 E));
    fn panic_text(e: &(dyn ::std::any::Any + Send)) -> String {
        if let Some(s) = e.downcast_ref::<&str>() { return s.to_string(); }
        if let Some(s) = e.downcast_ref::<String>() { return s.clone(); }
        "panic".into()
    }
    fn record(prefix: &str, line: &str) {
        use ::std::io::Write;
        let text = ::std::format!("\n{} {}\n", prefix, line);
        let mut out = ::std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
    pub(crate) fn run(prefix: &str) {
        ::std::panic::set_hook(Box::new(|_| {}));
        let mut n = 0;
__CF_CASES__        record(prefix, &::std::format!("DONE {}", n));
    }
}
