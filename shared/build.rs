//! Distils the `pinyin` crate's table into one initial letter per CJK Unified Ideograph.
//!
//! The full crate's tables are ~200 KB (u16 per code point over ~90k code points); one byte per character of U+4E00..=U+9FFF is 21 KB
//! (about 13 KB gzipped) and covers GB2312, GBK and Big5, so Simplified and Traditional names.

use pinyin::ToPinyin;
use std::{env, fs, path::Path};

/// First and last code point of the CJK Unified Ideographs block; keep in sync with `pinyin.rs`.
const FIRST: u32 = 0x4E00;
const LAST: u32 = 0x9FFF;

fn main() {
    let table: Vec<u8> = (FIRST..=LAST)
        .map(|code| {
            char::from_u32(code)
                .and_then(|ch| ch.to_pinyin())
                .and_then(|reading| reading.plain().bytes().next())
                .unwrap_or(0)
        })
        .collect();
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    fs::write(Path::new(&out_dir).join("pinyin_initials.bin"), table).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=build.rs");
}
