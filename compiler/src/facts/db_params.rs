//! RDS / Aurora parameter-group parameters → attributes of `digitalocean_database_postgresql_config`
//! and `digitalocean_database_mysql_config` (known gap #74).
//!
//! The table is deliberately small and explicit: a parameter is carried only when the provider's
//! config resource has an attribute of the same meaning (`do-provider-tfschema.json`), with the
//! unit conversion between what an RDS parameter group holds (the engine's native unit: `work_mem`
//! in kB, `max_stack_depth` in kB, timeouts in ms or s) and what DigitalOcean takes (the
//! provider's descriptions in `do-provider-schema.json`: `work_mem` in MB, `max_stack_depth` in
//! bytes), and the range or allowed values of DigitalOcean's API (`digitalocean-openapi.yaml`,
//! `postgres_advanced_config` / `mysql_advanced_config`). A value outside them is not carried;
//! nothing is clamped.

/// How a parameter's value is read and converted.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// An integer: AWS value × `mul` / `div` (rounded to the nearest integer), then within
    /// `min..=max`. `aws_unit` / `do_unit` name the units when they differ.
    Int {
        mul: i64,
        div: i64,
        min: i64,
        max: i64,
        aws_unit: &'static str,
        do_unit: &'static str,
    },
    /// A decimal number within `min..=max`.
    Float { min: f64, max: f64 },
    /// `1`/`0`, `on`/`off`, `true`/`false` → a Terraform bool.
    Bool,
    /// `1`/`0`, `on`/`off`, `true`/`false` → the string `"on"` / `"off"`.
    OnOff,
    /// One of the listed values, matched without regard to case and written as listed.
    Enum(&'static [&'static str]),
    /// MySQL `sql_mode`: comma-separated upper-case mode names (`^[A-Z_]*(,[A-Z_]+)*$`).
    SqlMode,
    /// Free text of at most the given length.
    Text(usize),
}

/// One parameter the config resource can carry.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub aws: &'static str,
    pub attr: &'static str,
    pub kind: Kind,
}

const fn int(aws: &'static str, attr: &'static str, min: i64, max: i64) -> Param {
    Param {
        aws,
        attr,
        kind: Kind::Int {
            mul: 1,
            div: 1,
            min,
            max,
            aws_unit: "",
            do_unit: "",
        },
    }
}

const fn float(aws: &'static str, attr: &'static str, min: f64, max: f64) -> Param {
    Param {
        aws,
        attr,
        kind: Kind::Float { min, max },
    }
}

const fn other(aws: &'static str, attr: &'static str, kind: Kind) -> Param {
    Param { aws, attr, kind }
}

/// PostgreSQL (`postgresNN`, `aurora-postgresqlNN` families). Units: RDS writes milliseconds
/// for the `*_timeout`, `*_delay` and `*_duration*` parameters, as PostgreSQL does, and so does
/// DigitalOcean.
pub const POSTGRES: &[Param] = &[
    int(
        "log_min_duration_statement",
        "log_min_duration_statement",
        -1,
        86_400_000,
    ),
    Param {
        aws: "work_mem",
        attr: "work_mem",
        kind: Kind::Int {
            mul: 1,
            div: 1024,
            min: 1,
            max: 1024,
            aws_unit: "kB",
            do_unit: "MB",
        },
    },
    int("deadlock_timeout", "deadlock_timeout", 500, 1_800_000),
    int(
        "idle_in_transaction_session_timeout",
        "idle_in_transaction_session_timeout",
        0,
        604_800_000,
    ),
    int(
        "log_autovacuum_min_duration",
        "log_autovacuum_min_duration",
        -1,
        2_147_483_647,
    ),
    int("autovacuum_naptime", "autovacuum_naptime", 0, 86_400),
    int("autovacuum_max_workers", "autovacuum_max_workers", 1, 20),
    int(
        "autovacuum_vacuum_threshold",
        "autovacuum_vacuum_threshold",
        0,
        2_147_483_647,
    ),
    int(
        "autovacuum_analyze_threshold",
        "autovacuum_analyze_threshold",
        0,
        2_147_483_647,
    ),
    float(
        "autovacuum_vacuum_scale_factor",
        "autovacuum_vacuum_scale_factor",
        0.0,
        1.0,
    ),
    float(
        "autovacuum_analyze_scale_factor",
        "autovacuum_analyze_scale_factor",
        0.0,
        1.0,
    ),
    int(
        "autovacuum_freeze_max_age",
        "autovacuum_freeze_max_age",
        200_000_000,
        1_500_000_000,
    ),
    int(
        "autovacuum_vacuum_cost_delay",
        "autovacuum_vacuum_cost_delay",
        -1,
        100,
    ),
    int(
        "autovacuum_vacuum_cost_limit",
        "autovacuum_vacuum_cost_limit",
        -1,
        10_000,
    ),
    int("bgwriter_delay", "bgwriter_delay", 10, 10_000),
    int(
        "bgwriter_lru_maxpages",
        "bgwriter_lru_maxpages",
        0,
        1_073_741_823,
    ),
    float(
        "bgwriter_lru_multiplier",
        "bgwriter_lru_multiplier",
        0.0,
        10.0,
    ),
    int("max_files_per_process", "max_files_per_process", 1000, 4096),
    int(
        "max_locks_per_transaction",
        "max_locks_per_transaction",
        64,
        6400,
    ),
    int(
        "max_pred_locks_per_transaction",
        "max_pred_locks_per_transaction",
        64,
        640,
    ),
    int(
        "max_prepared_transactions",
        "max_prepared_transactions",
        0,
        10_000,
    ),
    int("max_parallel_workers", "max_parallel_workers", 0, 96),
    int(
        "max_parallel_workers_per_gather",
        "max_parallel_workers_per_gather",
        0,
        96,
    ),
    int("max_worker_processes", "max_worker_processes", 8, 96),
    int("max_replication_slots", "max_replication_slots", 8, 64),
    int("max_wal_senders", "max_wal_senders", 20, 64),
    int(
        "max_logical_replication_workers",
        "max_logical_replication_workers",
        4,
        64,
    ),
    int(
        "max_standby_archive_delay",
        "max_standby_archive_delay",
        1,
        43_200_000,
    ),
    int(
        "max_standby_streaming_delay",
        "max_standby_streaming_delay",
        1,
        43_200_000,
    ),
    int("wal_sender_timeout", "wal_sender_timeout", 0, 10_800_000),
    int("wal_writer_delay", "wal_writer_delay", 10, 200),
    // Both in kB on RDS; DigitalOcean: "temporary file limit in KiB".
    int("temp_file_limit", "temp_file_limit", -1, 2_147_483_647),
    int(
        "track_activity_query_size",
        "track_activity_query_size",
        1024,
        10_240,
    ),
    Param {
        aws: "max_stack_depth",
        attr: "max_stack_depth",
        kind: Kind::Int {
            mul: 1024,
            div: 1,
            min: 2_097_152,
            max: 6_291_456,
            aws_unit: "kB",
            do_unit: "bytes",
        },
    },
    other("jit", "jit", Kind::Bool),
    other("track_io_timing", "track_io_timing", Kind::OnOff),
    other(
        "track_commit_timestamp",
        "track_commit_timestamp",
        Kind::OnOff,
    ),
    other(
        "track_functions",
        "track_functions",
        Kind::Enum(&["all", "pl", "none"]),
    ),
    other(
        "pg_stat_statements.track",
        "pg_stat_statements_track",
        Kind::Enum(&["all", "top", "none"]),
    ),
    other(
        "log_error_verbosity",
        "log_error_verbosity",
        Kind::Enum(&["TERSE", "DEFAULT", "VERBOSE"]),
    ),
    other(
        "default_toast_compression",
        "default_toast_compression",
        Kind::Enum(&["lz4", "pglz"]),
    ),
    other("timezone", "timezone", Kind::Text(64)),
];

/// MySQL (`mysqlN`, `aurora-mysqlN` families). RDS writes seconds for timeouts and bytes for
/// sizes, as MySQL and DigitalOcean do.
pub const MYSQL: &[Param] = &[
    other("sql_mode", "sql_mode", Kind::SqlMode),
    float("long_query_time", "long_query_time", 0.0, 3600.0),
    other("slow_query_log", "slow_query_log", Kind::Bool),
    int(
        "innodb_lock_wait_timeout",
        "innodb_lock_wait_timeout",
        1,
        3600,
    ),
    int(
        "max_allowed_packet",
        "max_allowed_packet",
        102_400,
        1_073_741_824,
    ),
    int("wait_timeout", "wait_timeout", 1, 2_147_483),
    int("interactive_timeout", "interactive_timeout", 30, 604_800),
    int("connect_timeout", "connect_timeout", 2, 3600),
    int("net_read_timeout", "net_read_timeout", 1, 3600),
    int("net_write_timeout", "net_write_timeout", 1, 3600),
    int("group_concat_max_len", "group_concat_max_len", 4, i64::MAX),
    int(
        "information_schema_stats_expiry",
        "information_schema_stats_expiry",
        900,
        31_536_000,
    ),
    int(
        "innodb_ft_min_token_size",
        "innodb_ft_min_token_size",
        0,
        16,
    ),
    int(
        "innodb_log_buffer_size",
        "innodb_log_buffer_size",
        1_048_576,
        4_294_967_295,
    ),
    int(
        "innodb_online_alter_log_max_size",
        "innodb_online_alter_log_max_size",
        65_536,
        1_099_511_627_776,
    ),
    int(
        "max_heap_table_size",
        "max_heap_table_size",
        1_048_576,
        1_073_741_824,
    ),
    int(
        "sort_buffer_size",
        "sort_buffer_size",
        32_768,
        1_073_741_824,
    ),
    int("tmp_table_size", "tmp_table_size", 1_048_576, 1_073_741_824),
    other(
        "innodb_print_all_deadlocks",
        "innodb_print_all_deadlocks",
        Kind::Bool,
    ),
    other(
        "innodb_rollback_on_timeout",
        "innodb_rollback_on_timeout",
        Kind::Bool,
    ),
    other(
        "sql_require_primary_key",
        "sql_require_primary_key",
        Kind::Bool,
    ),
    other(
        "internal_tmp_mem_storage_engine",
        "internal_tmp_mem_storage_engine",
        Kind::Enum(&["TempTable", "MEMORY"]),
    ),
    // RDS calls the server time zone `time_zone`; DigitalOcean `default_time_zone`.
    other("time_zone", "default_time_zone", Kind::Text(100)),
    other("default_time_zone", "default_time_zone", Kind::Text(100)),
];

/// Why a parameter with no entry in the table is not carried, when there is more to say than
/// "no counterpart".
pub fn unmapped_reason(aws: &str) -> Option<&'static str> {
    Some(match aws {
        "max_connections" => "DigitalOcean sets the connection limit from the cluster size",
        "shared_preload_libraries" => {
            "DigitalOcean loads the libraries its extensions need; enable an extension with `CREATE EXTENSION`"
        }
        "shared_buffers" => {
            "DigitalOcean sets shared buffers as a share of memory (`shared_buffers_percentage`), not a size"
        }
        "character_set_server"
        | "collation_server"
        | "character_set_client"
        | "character_set_connection"
        | "character_set_database"
        | "character_set_results"
        | "collation_connection" => {
            "DigitalOcean MySQL has no server character set setting; set it per database or table"
        }
        a if a.starts_with("rds.") || a.starts_with("aurora_") || a.starts_with("apg_") => {
            "an RDS/Aurora-only setting"
        }
        _ => return None,
    })
}

/// A parameter's carried value, or why it is not carried.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
}

/// Converts `raw` (the parameter group's literal value) for `p`: the value and, when the unit
/// changed, a note such as `65536 kB → 64 MB`; or the reason it is not carried.
pub fn convert(p: &Param, raw: &str) -> Result<(Value, Option<String>), String> {
    let raw = raw.trim();
    if raw.starts_with('{') {
        return Err(format!(
            "`{raw}` is an RDS formula of the instance class; DigitalOcean takes a fixed value"
        ));
    }
    match p.kind {
        Kind::Int {
            mul,
            div,
            min,
            max,
            aws_unit,
            do_unit,
        } => {
            let n: i64 = raw
                .parse()
                .map_err(|_| format!("`{raw}` is not a whole number"))?;
            let scaled = n
                .checked_mul(mul)
                .ok_or_else(|| format!("`{raw}` is too large"))?;
            // Round to the nearest unit of the target (half away from zero).
            let v = if div == 1 {
                scaled
            } else {
                let q = scaled / div;
                let r = scaled % div;
                if r.abs() * 2 >= div {
                    q + scaled.signum()
                } else {
                    q
                }
            };
            if v < min || v > max {
                let shown = if aws_unit.is_empty() {
                    format!("`{raw}`")
                } else {
                    format!("`{raw}` {aws_unit} ({v} {do_unit})")
                };
                return Err(format!(
                    "{shown} is outside the range DigitalOcean allows ({min}..{max}{})",
                    if do_unit.is_empty() {
                        String::new()
                    } else {
                        format!(" {do_unit}")
                    }
                ));
            }
            let note = (!aws_unit.is_empty()).then(|| {
                let exact = scaled % div == 0;
                format!(
                    "`{}` {raw} {aws_unit} → {v} {do_unit}{}",
                    p.aws,
                    if exact { "" } else { " (rounded)" }
                )
            });
            Ok((Value::Int(v), note))
        }
        Kind::Float { min, max } => {
            let f: f64 = raw
                .parse()
                .ok()
                .filter(|f: &f64| f.is_finite())
                .ok_or_else(|| format!("`{raw}` is not a number"))?;
            if f < min || f > max {
                return Err(format!(
                    "`{raw}` is outside the range DigitalOcean allows ({min}..{max})"
                ));
            }
            Ok((Value::Float(f), None))
        }
        Kind::Bool => switch(raw).map(|b| (Value::Bool(b), None)),
        Kind::OnOff => switch(raw).map(|b| (Value::Str(if b { "on" } else { "off" }.into()), None)),
        Kind::Enum(allowed) => allowed
            .iter()
            .find(|a| a.eq_ignore_ascii_case(raw))
            .map(|a| (Value::Str((*a).to_string()), None))
            .ok_or_else(|| {
                format!(
                    "`{raw}` is not a value DigitalOcean allows ({})",
                    allowed.join(", ")
                )
            }),
        Kind::SqlMode => {
            let mode = raw.to_ascii_uppercase();
            let ok = mode.split(',').enumerate().all(|(i, m)| {
                (!m.is_empty() || (i == 0 && mode.is_empty()))
                    && m.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            });
            if ok && mode.len() <= 1024 {
                Ok((Value::Str(mode), None))
            } else {
                Err(format!(
                    "`{raw}` is not a comma-separated list of mode names as DigitalOcean requires"
                ))
            }
        }
        Kind::Text(max) => {
            if raw.is_empty() || raw.len() > max {
                Err(format!("`{raw}` is empty or longer than {max} characters"))
            } else {
                Ok((Value::Str(raw.to_string()), None))
            }
        }
    }
}

fn switch(raw: &str) -> Result<bool, String> {
    match raw.to_ascii_lowercase().as_str() {
        "1" | "on" | "true" => Ok(true),
        "0" | "off" | "false" => Ok(false),
        _ => Err(format!("`{raw}` is not on or off")),
    }
}

/// The table entry for an RDS parameter of an engine's config resource.
pub fn lookup(table: &'static [Param], aws: &str) -> Option<&'static Param> {
    table.iter().find(|p| p.aws.eq_ignore_ascii_case(aws))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Converts `raw` for the parameter `aws` of `table` (an error when it is not in the table).
    fn conv(
        table: &'static [Param],
        aws: &str,
        raw: &str,
    ) -> Result<(Value, Option<String>), String> {
        let p = lookup(table, aws).ok_or_else(|| format!("`{aws}` is not in the table"))?;
        convert(p, raw)
    }

    #[test]
    fn work_mem_kb_to_mb() {
        assert_eq!(
            conv(POSTGRES, "work_mem", "65536"),
            Ok((Value::Int(64), Some("`work_mem` 65536 kB → 64 MB".into())))
        );
        assert_eq!(
            conv(POSTGRES, "work_mem", "4000"),
            Ok((
                Value::Int(4),
                Some("`work_mem` 4000 kB → 4 MB (rounded)".into())
            ))
        );
        assert!(conv(POSTGRES, "work_mem", "256").is_err_and(|e| e.contains("outside")));
        assert!(
            conv(POSTGRES, "work_mem", "{DBInstanceClassMemory/8192}")
                .is_err_and(|e| e.contains("formula"))
        );
    }

    #[test]
    fn max_stack_depth_kb_to_bytes() {
        assert_eq!(
            conv(POSTGRES, "max_stack_depth", "6144").map(|(v, _)| v),
            Ok(Value::Int(6_291_456))
        );
        assert!(conv(POSTGRES, "max_stack_depth", "7680").is_err());
    }

    #[test]
    fn switches_and_enums() {
        let value = |t, a, r| conv(t, a, r).map(|(v, _)| v);
        assert_eq!(value(MYSQL, "slow_query_log", "1"), Ok(Value::Bool(true)));
        assert_eq!(
            value(MYSQL, "slow_query_log", "OFF"),
            Ok(Value::Bool(false))
        );
        assert!(value(MYSQL, "slow_query_log", "2").is_err());
        assert_eq!(
            value(POSTGRES, "track_io_timing", "1"),
            Ok(Value::Str("on".into()))
        );
        assert_eq!(
            value(POSTGRES, "log_error_verbosity", "verbose"),
            Ok(Value::Str("VERBOSE".into()))
        );
        assert_eq!(
            value(MYSQL, "sql_mode", "strict_trans_tables,NO_ZERO_DATE"),
            Ok(Value::Str("STRICT_TRANS_TABLES,NO_ZERO_DATE".into()))
        );
        assert!(value(MYSQL, "sql_mode", "A,,B").is_err());
        assert_eq!(
            value(MYSQL, "long_query_time", "0.5"),
            Ok(Value::Float(0.5))
        );
        assert!(value(MYSQL, "long_query_time", "7200").is_err());
        assert!(value(MYSQL, "character_set_server", "utf8mb4").is_err());
    }

    #[test]
    fn every_attribute_is_in_the_provider_schema() {
        for p in POSTGRES {
            let ty = "digitalocean_database_postgresql_config";
            assert!(crate::schema::has_attribute(ty, p.attr), "{}", p.attr);
        }
        for p in MYSQL {
            let ty = "digitalocean_database_mysql_config";
            assert!(crate::schema::has_attribute(ty, p.attr), "{}", p.attr);
        }
    }
}
