#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "common/authority_table.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/hash.hpp"
#include "common/text.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"
#include "tests/support/test_support.hpp"

namespace fs = std::filesystem;
using jtai::test::TempDir;

TEST_CASE("text helpers") {
  CHECK(jtai::squash_spaces("  a \n\t b  c ") == "a b c");
  CHECK(jtai::trim("\n x y \t") == "x y");
  CHECK(jtai::slugify("Royal Borough of Windsor and Maidenhead") == "royal-borough-of-windsor-and-maidenhead");
  CHECK(jtai::slugify("Bristol, City of") == "bristol-city-of");
  CHECK(jtai::month_number("September") == 9);
  CHECK(jtai::month_number("Sept") == 9);
  CHECK(jtai::month_number("Ma") == 0);
  CHECK(jtai::month_number("Mayday") == 0);
  CHECK(jtai::parse_day_month_year("31 March 2023") == std::optional<std::string>("2023-03-31"));
  CHECK(jtai::parse_day_month_year("1  Feb\n2017") == std::optional<std::string>("2017-02-01"));
  CHECK_FALSE(jtai::parse_day_month_year("32 March 2023"));
  CHECK_FALSE(jtai::parse_day_month_year("March 2023"));
}

TEST_CASE("sha256 of bytes and files agree with known digests") {
  CHECK(jtai::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(jtai::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  TempDir dir;
  jtai::write_file_atomic(dir.path() / "f.txt", "abc");
  CHECK(jtai::sha256_file(dir.path() / "f.txt") == jtai::sha256_hex("abc"));
  CHECK_THROWS_AS(jtai::sha256_file(dir.path() / "missing"), jtai::Error);
}

TEST_CASE("write_file_atomic replaces whole files and leaves no temporaries") {
  TempDir dir;
  fs::path target = dir.path() / "sub" / "out.bin";
  jtai::write_file_atomic(target, "first version");
  jtai::write_file_atomic(target, "second");
  CHECK(jtai::read_file(target) == "second");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(target.parent_path())) ++entries;
  CHECK(entries == 1);
  // A directory that cannot be written: a clear error, the old file intact.
  fs::permissions(target.parent_path(), fs::perms::owner_read | fs::perms::owner_exec);
  if (::geteuid() != 0) {  // root ignores permissions
    CHECK_THROWS_AS(jtai::write_file_atomic(target, "third"), jtai::Error);
    CHECK(jtai::read_file(target) == "second");
  }
  fs::permissions(target.parent_path(), fs::perms::owner_all);
}

TEST_CASE("write_file_atomic into a path that cannot be a directory fails and keeps the old file") {
  TempDir dir;
  fs::path blocker = dir.path() / "blocker";
  jtai::write_file_atomic(blocker, "x");
  CHECK_THROWS_AS(jtai::write_file_atomic(blocker / "child", "y"), std::exception);
  CHECK(jtai::read_file(blocker) == "x");
}

TEST_CASE("the project's authority table loads and names every English authority once") {
  auto table = jtai::AuthorityTable::load(jtai::test::rules_dir());
  CHECK(table.all().size() >= 150);
  const jtai::Authority* barnsley = table.find(80426);
  REQUIRE(barnsley);
  CHECK(barnsley->name == "Barnsley");
  CHECK(barnsley->la_code == "370");
  CHECK(barnsley->ltla23cd == "E08000016");
  CHECK(barnsley->region_name == "Yorkshire and the Humber");
  CHECK(table.find(1) == nullptr);
  for (const auto& [urn, a] : table.all()) {
    CHECK_MESSAGE(!a.slug.empty(), urn);
    CHECK_MESSAGE(a.ltla23cd.rfind("E", 0) == 0, urn);
  }
}

TEST_CASE("authority table errors name file and line") {
  TempDir dir;
  {
    std::ofstream out(dir.path() / "authority_table.toml");
    out << "[[authority]]\nurn = 1\nname = \"A\"\n\n[[authority]]\nurn = \"two\"\n";
  }
  try {
    jtai::AuthorityTable::load(dir.path());
    FAIL("expected a RuleError");
  } catch (const jtai::RuleError& e) {
    CHECK(std::string(e.what()).find("authority_table.toml:") != std::string::npos);
    CHECK(e.line() > 0);
  }
  {
    std::ofstream out(dir.path() / "authority_table.toml");
    out << "[[authority]]\nurn = 1\nname = \"A\nbroken\n";
  }
  try {
    jtai::AuthorityTable::load(dir.path());
    FAIL("expected a RuleError");
  } catch (const jtai::RuleError& e) {
    CHECK(e.line() == 3);
  }
}

TEST_CASE("schema migrations are idempotent and refuse a newer database") {
  TempDir dir;
  fs::path path = dir.path() / "t.sqlite";
  {
    jtai::store::Db db(path);
    jtai::store::migrate(db);
    jtai::store::migrate(db);
    CHECK(jtai::store::schema_version(db) == jtai::store::latest_schema_version());
    auto st = db.prepare("PRAGMA journal_mode");
    REQUIRE(st.step());
    CHECK(st.column_text(0) == "wal");
    db.exec("PRAGMA user_version = 999");
  }
  jtai::store::Db db(path);
  CHECK_THROWS_AS(jtai::store::migrate(db), jtai::Error);
}

TEST_CASE("a transaction not committed is rolled back") {
  TempDir dir;
  jtai::store::Db db(dir.path() / "t.sqlite");
  db.exec("CREATE TABLE t (x INTEGER)");
  {
    jtai::store::Transaction tx(db);
    db.prepare("INSERT INTO t VALUES (1)").run();
  }
  {
    jtai::store::Transaction tx(db);
    db.prepare("INSERT INTO t VALUES (2)").run();
    tx.commit();
  }
  auto st = db.prepare("SELECT group_concat(x) FROM t");
  REQUIRE(st.step());
  CHECK(st.column_text(0) == "2");
}
