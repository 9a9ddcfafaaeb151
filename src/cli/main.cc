// eddy: the command line (`eddy serve`, `eddy --version`). Flags are parsed by CLI11.
#include <rocksdb/version.h>
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/serve.h"

int main(int argc, char** argv) {
  CLI::App app{"Eddy: a local serverless data platform (DynamoDB, Streams, Lambda) in one binary"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "Print the version and exit");

  eddy::cli::ServeOptions serve;
  CLI::App* serve_command = app.add_subcommand("serve", "Run the server");
  serve_command
      ->add_option("--listen", serve.listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  auto* data_dir = serve_command->add_option("--data-dir", serve.data_dir, "Where the data lives")
                       ->capture_default_str();
  serve_command->add_flag("--in-memory", serve.in_memory, "Keep no files; lose everything on exit")
      ->excludes(data_dir);
  serve_command
      ->add_option("--durability", serve.durability,
                   "sync: acknowledged writes are on disk; async: in the OS page cache")
      ->check(CLI::IsMember({"sync", "async"}))
      ->capture_default_str();
  serve_command->add_option("--region", serve.region, "The region in ARNs")->capture_default_str();
  serve_command->add_option("--account-id", serve.account_id, "The account id in ARNs")
      ->capture_default_str();
  serve_command->add_flag("--no-stack", serve.no_stack, "Serve the bare APIs, deploy no stack");
  serve_command
      ->add_option("--credentials", serve.credentials_file,
                   "File of 'ACCESS_KEY_ID SECRET' lines: verify SigV4 signatures")
      ->check(CLI::ExistingFile);
  serve_command->add_option("--threads", serve.threads, "Server threads (0: one per core)")
      ->capture_default_str();
  serve_command
      ->add_option("--idle-timeout", serve.idle_timeout,
                   "Close keep-alive connections idle this long (e.g. 60s)")
      ->capture_default_str();
  serve_command
      ->add_option("--stream-retention", serve.stream_retention,
                   "Stream records older than this are trimmed (e.g. 24h)")
      ->capture_default_str();
  serve_command->add_option("--stream-shards", serve.stream_shards, "Open shards per stream")
      ->capture_default_str();
  serve_command
      ->add_option("--shard-rollover", serve.shard_rollover,
                   "Open shards older than this close and continue in a child shard")
      ->capture_default_str();
  serve_command
      ->add_option("--ttl-interval", serve.ttl_interval,
                   "How often tables with Time to Live on are swept for expired items")
      ->capture_default_str();
  serve_command
      ->add_option("--ttl-deletes-per-second", serve.ttl_deletes_per_second,
                   "Time to Live deletes at most this many items a second (0: no limit)")
      ->capture_default_str();
  serve_command
      ->add_option("--backfill-items-per-second", serve.backfill_items_per_second,
                   "A new index reads at most this many items a second (0: no limit)")
      ->capture_default_str();
  serve_command
      ->add_option("--item-collection-limit", serve.item_collection_limit,
                   "Bytes an item collection of a table with local indexes may hold (DynamoDB's "
                   "10 GB; lower it to try ItemCollectionSizeLimitExceededException)")
      ->capture_default_str();
  serve_command->add_option("--stack", serve.stack_file,
                            "A stack file (YAML) to deploy: tables, functions, event sources");
  serve_command
      ->add_option("--function-concurrency", serve.function_concurrency,
                   "Invocations of one function at once, unless it reserves its own "
                   "(0: 2 x cores)")
      ->capture_default_str();
  serve_command
      ->add_option("--test-iterator-lifetime", serve.test_iterator_lifetime,
                   "FOR TESTS ONLY: shard iterators expire after this (AWS: 15m)")
      ->group("Testing");
  serve_command
      ->add_option("--test-min-record-age", serve.test_min_record_age,
                   "FOR TESTS ONLY: the smallest maximum record age a mapping may have (AWS: 60s)")
      ->group("Testing");

  CLI11_PARSE(app, argc, argv);
  if (version) {
    std::printf("eddy %s (RocksDB %d.%d.%d)\n", EDDY_VERSION, ROCKSDB_MAJOR, ROCKSDB_MINOR,
                ROCKSDB_PATCH);
    return 0;
  }
  if (serve_command->parsed()) return eddy::cli::serve(serve);
  std::fputs(app.help().c_str(), stdout);
  return 2;
}
