#include "cli/serve.h"

#include <fmt/format.h>

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "api/dynamodb/in_process_client.h"
#include "api/dynamodb/operation.h"
#include "api/dynamodb/ttl_sweeper.h"
#include "api/lambda/operation.h"
#include "apps/notes/notes.h"
#include "apps/testing/test_functions.h"
#include "cli/default_stack.h"
#include "cli/node_preload.h"
#include "common/duration.h"
#include "common/random.h"
#include "esm/manager.h"
#include "functions/process_function.h"
#include "functions/runtime.h"
#include "http/router.h"
#include "http/runtime_api_server.h"
#include "http/server.h"
#include "stack/deploy.h"
#include "storage/engine.h"

namespace eddy::cli {

namespace {

// "HOST:PORT", "[v6]:PORT" or ":PORT".
bool split_listen(const std::string& listen, std::string& host, uint16_t& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  const std::string port_text = listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  const unsigned long value = std::stoul(port_text);
  if (value > 65535) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

// Each keep-alive connection holds a descriptor; the default soft limit (1024) would cap the
// server near a thousand clients, so it is raised to the hard limit.
void raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// Writes the AWS SDK v2 preload where Node functions can --require it: under the data dir,
// or a private temporary directory with --in-memory. Returns its path ("" when it cannot).
std::string write_node_preload(const ServeOptions& options) {
  std::error_code ec;
  std::filesystem::path dir;
  if (options.in_memory) {
    std::string pattern = (std::filesystem::temp_directory_path(ec) / "eddy-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) return "";
    dir = pattern;
  } else {
    dir = std::filesystem::absolute(options.data_dir, ec) / "runtime";
    std::filesystem::create_directories(dir, ec);
  }
  const auto file = dir / "aws-sdk-v2-endpoint.cjs";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << aws_sdk_v2_preload_js();
  out.close();
  return out ? file.string() : "";
}

}  // namespace

int serve(const ServeOptions& options) {
  // SIGINT and SIGTERM are blocked here, before any thread starts (threads inherit the mask),
  // and taken by one thread at the end with sigwait: the shutdown then runs in order while the
  // server still answers (function processes finishing their work call Eddy's APIs).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  http::ServerOptions server_options;
  if (!split_listen(options.listen, server_options.host, server_options.port)) {
    std::fprintf(stderr, "eddy serve: --listen must be HOST:PORT, not '%s'\n",
                 options.listen.c_str());
    return 2;
  }
  server_options.threads = options.threads;
  auto idle_timeout = parse_duration_ms(options.idle_timeout);
  if (!idle_timeout || *idle_timeout == 0) {
    std::fprintf(stderr, "eddy serve: --idle-timeout: %s\n",
                 idle_timeout ? "must be more than 0" : idle_timeout.status().message().c_str());
    return 2;
  }
  server_options.idle_timeout = std::chrono::milliseconds(*idle_timeout);
  raise_file_limit();
  if (options.account_id.size() != 12 ||
      options.account_id.find_first_not_of("0123456789") != std::string::npos) {
    std::fprintf(stderr, "eddy serve: --account-id must be 12 digits\n");
    return 2;
  }

  http::RouterOptions router_options;
  if (options.credentials_file) {
    auto credentials = http::Credentials::load(*options.credentials_file);
    if (!credentials) {
      std::fprintf(stderr, "eddy serve: %s\n", credentials.status().message().c_str());
      return 2;
    }
    router_options.credentials = std::move(*credentials);
  } else if (!is_loopback(server_options.host)) {
    std::fprintf(stderr,
                 "eddy serve: warning: listening on %s without --credentials: anyone who can "
                 "reach this address can read and change every table\n",
                 server_options.host.c_str());
  }

  storage::EngineOptions engine_options;
  engine_options.path = options.data_dir;
  if (options.in_memory) {
    engine_options.durability = storage::Durability::kInMemory;
  } else if (options.durability == "sync") {
    engine_options.durability = storage::Durability::kSync;
  } else if (options.durability == "async") {
    engine_options.durability = storage::Durability::kAsync;
  } else {
    std::fprintf(stderr, "eddy serve: --durability must be sync or async\n");
    return 2;
  }
  auto retention = parse_duration_ms(options.stream_retention);
  auto rollover = parse_duration_ms(options.shard_rollover);
  if (!retention || *retention == 0 || !rollover || *rollover == 0 || options.stream_shards == 0) {
    std::fprintf(stderr,
                 "eddy serve: --stream-retention and --shard-rollover take a duration with a unit "
                 "(e.g. 24h, 90s), more than 0; --stream-shards at least 1\n");
    return 2;
  }
  engine_options.stream_retention_ms = *retention;
  engine_options.shard_rollover_ms = *rollover;
  engine_options.stream_shards = options.stream_shards;
  engine_options.backfill_items_per_second = options.backfill_items_per_second;
  engine_options.item_collection_limit_bytes = options.item_collection_limit;
  // Trimming and rollover run on one background pass: often enough for the shorter of the two
  // periods (tests shorten them), at most once a minute otherwise.
  engine_options.trim_interval_ms =
      std::clamp<int64_t>(std::min(*retention, *rollover) / 10, 100, 60'000);
  auto engine = storage::Engine::open(engine_options);
  if (!engine) {
    std::fprintf(stderr, "eddy serve: cannot open %s: %s\n", options.data_dir.c_str(),
                 engine.status().message().c_str());
    return 1;
  }

  api::dynamodb::Settings settings;
  settings.region = options.region;
  settings.account_id = options.account_id;
  auto ttl_interval = parse_duration_ms(options.ttl_interval);
  if (!ttl_interval || *ttl_interval == 0) {
    std::fprintf(stderr,
                 "eddy serve: --ttl-interval takes a duration with a unit (e.g. 1m, "
                 "500ms), more than 0\n");
    return 2;
  }
  settings.ttl_interval_ms = *ttl_interval;
  api::dynamodb::Context dynamodb(**engine, settings);
  // Time to Live: expired items are deleted in the background.
  auto ttl_sweeper = std::make_unique<api::dynamodb::TtlSweeper>(
      **engine,
      api::dynamodb::TtlSweeperOptions{.interval_ms = *ttl_interval,
                                       .max_deletes_per_second = options.ttl_deletes_per_second});
  ttl_sweeper->start();
  // Shard iterators are signed with a key of this process: they do not outlive a restart.
  api::streams::Context streams(**engine, dynamodb.settings, random_bytes(32));
  if (options.test_iterator_lifetime) {
    auto lifetime = parse_duration_ms(*options.test_iterator_lifetime);
    if (!lifetime) {
      std::fprintf(stderr, "eddy serve: --test-iterator-lifetime: %s\n",
                   lifetime.status().message().c_str());
      return 2;
    }
    streams.iterator_lifetime_ms = *lifetime;
  }

  // Functions, and the event source mappings that feed them; functions reach tables through
  // the in-process client.
  functions::RuntimeOptions runtime_options;
  runtime_options.default_concurrency =
      options.function_concurrency > 0
          ? options.function_concurrency
          : std::max(2u, 2 * std::max(1u, std::thread::hardware_concurrency()));
  runtime_options.region = options.region;
  runtime_options.account_id = options.account_id;
  auto runtime = std::make_unique<functions::Runtime>(runtime_options);
  // Runtime API functions: processes with an endpoint each, reaching Eddy's APIs with
  // credentials Eddy accepts.
  functions::ProcessHostOptions process_options;
  process_options.listen = http::listen_runtime_api;
  process_options.region = options.region;
  std::string function_credentials = "placeholders (any credentials are accepted)";
  if (router_options.credentials) {
    if (auto first = router_options.credentials->first()) {
      process_options.credentials = *first;
      function_credentials =
          fmt::format("access key {} from {}", first->first, *options.credentials_file);
    }
  }
  process_options.node_preload = write_node_preload(options);
  const std::string preload_dir =
      process_options.node_preload.empty()
          ? ""
          : std::filesystem::path(process_options.node_preload).parent_path().string();
  process_options.log = [mu = std::make_shared<std::mutex>()](
                            std::string_view function, std::string_view request_id,
                            std::string_view stream, std::string_view line) {
    std::lock_guard lock(*mu);
    std::fprintf(stderr, "[%.*s %.*s %.*s] %.*s\n", static_cast<int>(function.size()),
                 function.data(), static_cast<int>(request_id.size()), request_id.data(),
                 static_cast<int>(stream.size()), stream.data(), static_cast<int>(line.size()),
                 line.data());
  };
  auto processes = std::make_shared<functions::ProcessHost>(std::move(process_options));
  api::dynamodb::InProcessClient tables(dynamodb);
  auto& builtins = functions::BuiltinRegistry::global();
  apps::testing::register_test_functions(builtins, tables);
  apps::notes::register_notes_functions(builtins, tables);
  esm::ManagerOptions manager_options;
  manager_options.region = options.region;
  manager_options.account_id = options.account_id;
  if (options.test_min_record_age) {
    auto age = parse_duration_ms(*options.test_min_record_age);
    if (!age || *age < 1000) {
      std::fprintf(stderr, "eddy serve: --test-min-record-age takes a duration of at least 1s\n");
      return 2;
    }
    manager_options.validation.min_record_age_seconds = *age / 1000;
  }
  auto mappings =
      std::make_unique<esm::MappingManager>(**engine, *runtime, &tables, manager_options);
  if (auto started = mappings->start(); !started.is_ok()) {
    std::fprintf(stderr, "eddy serve: cannot load the event source mappings: %s\n",
                 started.message().c_str());
    return 1;
  }
  // The stack: --stack FILE, else the built-in notes stack, unless --no-stack.
  std::vector<std::string> deployed;
  std::unique_ptr<gateway::Gateway> rest_api;
  const std::string stack_name =
      options.stack_file ? *options.stack_file : std::string(kDefaultStackName);
  if (options.stack_file || !options.no_stack) {
    stack::ParseOptions parse_options;
    parse_options.validation = manager_options.validation;
    parse_options.known_handlers = builtins.handler_names();
    auto stack = options.stack_file
                     ? stack::load_stack(*options.stack_file, parse_options)
                     : stack::parse_stack(default_stack_yaml(), stack_name, parse_options);
    if (!stack) {
      std::fprintf(stderr, "eddy serve: %s\n", stack.status().message().c_str());
      return 2;
    }
    auto changes = stack::deploy(*stack, {**engine, *runtime, *mappings, builtins,
                                          [&processes](const functions::FunctionConfig& config) {
                                            return std::make_shared<functions::ProcessFunction>(
                                                config, processes);
                                          }});
    if (!changes) {
      std::fprintf(stderr, "eddy serve: %s\n", changes.status().message().c_str());
      return 2;
    }
    deployed = std::move(*changes);
    mappings->wait_idle();
    if (stack->api) {
      std::vector<gateway::RouteSpec> routes;
      for (const auto& route : stack->api->routes)
        routes.push_back({route.method, route.resource, route.function});
      auto table = gateway::RouteTable::build(std::move(routes), stack->api->stage);
      if (!table) {
        std::fprintf(stderr, "eddy serve: %s: %s\n", stack_name.c_str(),
                     table.status().message().c_str());
        return 2;
      }
      gateway::GatewayOptions gateway_options;
      gateway_options.account_id = options.account_id;
      rest_api = std::make_unique<gateway::Gateway>(*runtime, std::move(*table), gateway_options);
      router_options.gateway = rest_api.get();
    }
  }
  api::lambda::Context lambda{*runtime, *mappings, dynamodb.settings, *engine_options.clock};
  router_options.lambda = &lambda;
  router_options.metrics = [&engine = **engine, &mappings = *mappings,
                            &ttl = *ttl_sweeper](std::string& out) {
    const auto m = engine.metrics();
    out += fmt::format(
        "# HELP eddy_commit_groups_total WriteBatches committed by the writer\n"
        "# TYPE eddy_commit_groups_total counter\neddy_commit_groups_total {}\n"
        "# HELP eddy_wal_syncs_total Commit rounds that synced the write-ahead log\n"
        "# TYPE eddy_wal_syncs_total counter\neddy_wal_syncs_total {}\n"
        "# HELP eddy_writes_committed_total Write units acknowledged\n"
        "# TYPE eddy_writes_committed_total counter\neddy_writes_committed_total {}\n"
        "# HELP eddy_writes_failed_total Write units that failed (conditions, validation, I/O)\n"
        "# TYPE eddy_writes_failed_total counter\neddy_writes_failed_total {}\n"
        "# HELP eddy_stream_records_total Stream records appended\n"
        "# TYPE eddy_stream_records_total counter\neddy_stream_records_total {}\n",
        m.commit_groups, m.syncs, m.committed_units, m.failed_units, m.stream_records);
    out += fmt::format(
        "# HELP eddy_ttl_deleted_total Items deleted by Time to Live\n"
        "# TYPE eddy_ttl_deleted_total counter\neddy_ttl_deleted_total {}\n",
        ttl.deleted_total());
    mappings.write_metrics(out);
  };
  http::Router router(dynamodb, streams, std::move(router_options));
  http::Server server(router, server_options);
  auto bound = server.listen();
  if (!bound) {
    std::fprintf(stderr, "eddy serve: %s\n", bound.status().message().c_str());
    return 1;
  }
  // DescribeEndpoints answers with the address actually bound.
  dynamodb.settings.endpoint_address = *bound;
  processes->set_endpoint("http://" + *bound);

  std::printf("eddy %s serving\n", EDDY_VERSION);
  std::printf("  endpoint: http://%s\n", bound->c_str());
  if (options.in_memory) {
    std::printf("  data dir: none (--in-memory: everything is lost on exit)\n");
  } else {
    std::printf("  data dir: %s (durability %s)\n", options.data_dir.c_str(),
                options.durability.c_str());
  }
  std::printf("  region: %s, account: %s, SigV4: %s\n", options.region.c_str(),
              options.account_id.c_str(),
              options.credentials_file ? "verified" : "not checked (any credentials accepted)");
  std::printf("  Runtime API functions: AWS_ENDPOINT_URL=http://%s, credentials: %s\n",
              bound->c_str(), function_credentials.c_str());
  std::printf(
      "  APIs: DynamoDB and DynamoDB Streams (POST / with X-Amz-Target), Lambda "
      "(/2015-03-31/: Invoke, GetFunction, ListFunctions, event source mappings), "
      "GET /health, GET /metrics\n");
  if (options.stack_file || !options.no_stack) {
    std::printf("  stack: %s\n", stack_name.c_str());
    for (const auto& change : deployed)
      std::printf("    %s\n", change.c_str());
    if (rest_api) {
      for (const auto& route : rest_api->routes().routes()) {
        std::printf("    route %s %s -> %s (also at /%s%s)\n", route.method.c_str(),
                    route.resource.c_str(), route.function.c_str(),
                    rest_api->routes().stage().c_str(), route.resource.c_str());
      }
    }
  } else {
    std::printf("  deployed: nothing (--no-stack)\n");
  }
  std::printf("ready\n");
  std::fflush(stdout);

  // On SIGINT or SIGTERM: the sweeper and the mappings stop first (a mapping waits for its
  // invocations, whose functions may still call Eddy's APIs), then the function processes are
  // killed, then the server stops accepting and finishes its requests in flight.
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    std::printf("eddy: stopping: event source mappings finish their invocations\n");
    std::fflush(stdout);
    ttl_sweeper.reset();
    mappings.reset();
    processes->shutdown();
    server.stop();
  });
  server.run(/*handle_signals=*/false);
  stopper.join();
  std::printf("eddy: stopped accepting, in-flight requests finished; closing the data store\n");
  std::fflush(stdout);
  // Then the functions, then the engine, which completes every acknowledged write and closes
  // RocksDB.
  runtime.reset();
  engine->reset();
  if (options.in_memory && !preload_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(preload_dir, ignored);
  }
  return 0;
}

}  // namespace eddy::cli
