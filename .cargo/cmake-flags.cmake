# Passed to every CMake build the cmake crate runs (.cargo/config.toml, CMAKE_TOOLCHAIN_FILE_<triple>).
# It only seeds two cache entries; the compiler, platform and everything else stay CMake's defaults.
#
# xgboost_lib-sys forces CMAKE_BUILD_TYPE=RelWithDebInfo, whose GNU default is "-O2 -g -DNDEBUG".
# The -g is pure cost here: build.sh strips libxgboost before shipping it, and with it one XGBoost
# source file takes 55 s instead of 41 s to compile (updater_quantile_hist.cc, measured on the 2-core
# CI machine) and the build dir grows to 725 MB. Without -g the generated code is the same (GCC's -g
# never changes codegen), and XGBoost's own -O3 still comes after these flags.
# A cache entry set here wins because CMake only fills in its default when the entry is missing.
set(CMAKE_C_FLAGS_RELWITHDEBINFO "-O2 -DNDEBUG" CACHE STRING "RelWithDebInfo C flags, without -g")
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O2 -DNDEBUG" CACHE STRING "RelWithDebInfo C++ flags, without -g")
