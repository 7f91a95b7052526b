fn main() {
    napi_build::setup();
    // libxgboost.so ships beside the .node: let the loader find it there.
    println!("cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN");
}
