#!/usr/bin/env python3
"""Writes the warehouse-shaped samples of `init` tests (cmd/hackle-agent/init_test.go).

Each sample holds GOOD good rows of 2023-01-01 UTC, one every 30 minutes,
and one bad row (an empty event name). expected.json lists, per sample, the
UTC instants (ms) of its good rows: what the committed partition must hold
when exported with `init`'s proposal, unedited.

    python3 testdata/warehouse/make_warehouse.py
"""
import csv, datetime as dt, json, os, uuid

HERE = os.path.dirname(os.path.abspath(__file__))
GOOD = 48
DAY = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
KST = dt.timezone(dt.timedelta(hours=9))
NS = uuid.UUID("00000000-0000-0000-0000-00000000beef")


def instants():
    return [DAY + dt.timedelta(minutes=30 * i, seconds=7, milliseconds=123) for i in range(GOOD)]


def ms(t):
    return int(t.timestamp() * 1000)


def eid(name, i):
    return str(uuid.uuid5(NS, f"{name}-{i}"))


def os_of(i):
    return "Android" if i % 2 else "iOS"


def write(name, header, rows, delimiter=","):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


expected = {}


def ga4():
    # BigQuery's GA4 export, flattened: no event id; event_timestamp in
    # microseconds; event_params.* and user_properties.* as columns.
    rows = []
    for i, t in enumerate(instants()):
        rows.append([t.strftime("%Y%m%d"), ms(t) * 1000, "page_view" if i % 3 else "purchase", i % 4,
                     f"{1000 + i % 7}.{1600000000 + i % 7}", f"u{i % 5}" if i % 2 else "",
                     os_of(i), f"{os_of(i)} {14 if i % 2 else 17}.{i % 3}", f"3.{i % 4}.0", "mobile",
                     f"page {i}", i % 10, "gold" if i % 2 else "silver"])
    rows.append(["20230101", ms(DAY) * 1000 + 5, "", 0, "1000.1", "", "iOS", "iOS 17.0", "3.0.0", "mobile", "bad", 0, ""])
    write("ga4_flat.csv", ["event_date", "event_timestamp", "event_name", "event_bundle_sequence_id", "user_pseudo_id",
                           "user_id", "device_operating_system", "device_operating_system_version", "app_info_version",
                           "device_category", "event_params_page_title", "event_params_value", "user_properties_tier"], rows)
    expected["ga4_flat.csv"] = [ms(t) for t in instants()]


def redshift():
    # Redshift UNLOAD ... HEADER DELIMITER '|': naive UTC timestamps, NULL as empty,
    # the OS and its version in one column ("ios 17.2").
    rows = []
    for i, t in enumerate(instants()):
        rows.append([eid("rs", i), "signup" if i % 2 else "login", t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3], f"m{i % 9}",
                     f"dev-{i % 6}", f"{os_of(i).lower()} {14 if i % 2 else 17}.{i % 3}", f"2.{i % 5}.1", f"{i * 1.5:.2f}" if i % 3 == 0 else "", f"/p/{i}"])
    rows.append([eid("rs", 999), "", "2023-01-01 12:00:00.000", "m1", "dev-1", "ios 17.0", "2.0.1", "", "/bad"])
    write("redshift_unload.txt", ["event_id", "event_name", "event_ts", "user_id", "device_id", "os", "app_version",
                                  "revenue", "page_path"], rows, delimiter="|")
    expected["redshift_unload.txt"] = [ms(t) for t in instants()]


def snowflake():
    # Snowflake COPY INTO @stage FILE_FORMAT=(TYPE=CSV) HEADER=TRUE: uppercase
    # names, TIMESTAMP_TZ with its offset, a VARIANT object as JSON text.
    rows = []
    for i, t in enumerate(instants()):
        local = t.astimezone(KST if i % 2 else dt.timezone.utc)
        rows.append([eid("sf", i), "ADD_TO_CART" if i % 2 else "VIEW", local.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + local.strftime(" %z"),
                     f"C{i % 8}", f"D{i % 8}", os_of(i).upper(), f"5.{i % 2}.{i % 3}", f"1{i % 10}.5", ["red", "blue"][i % 2],
                     ["S", "M", "L"][i % 3], json.dumps({"campaign": f"c{i % 3}", "first": i == 0})])
    rows.append([eid("sf", 999), "", "2023-01-01 12:00:00.000 +0000", "C1", "D1", "IOS", "5.0.0", "1", "red", "S", "{}"])
    write("snowflake_copy.csv", ["EVENT_ID", "EVENT_NAME", "EVENT_TIME", "USER_ID", "DEVICE_ID", "PLATFORM", "APP_VERSION",
                                 "AMOUNT", "PROPS_COLOR", "PROPS_SIZE", "EVENT_PROPERTIES"], rows)
    expected["snowflake_copy.csv"] = [ms(t) for t in instants()]


def issue():
    # The shape of issue #14: id (UUIDs), user, event, time (epoch ms), os, ver, amount, props_color.
    rows = []
    for i, t in enumerate(instants()):
        rows.append([eid("is", i), f"user{i % 6}", "click" if i % 2 else "open", ms(t), os_of(i), f"1.{i % 3}.{i % 4}",
                     i % 5, ["red", "green"][i % 2]])
    rows.append([eid("is", 999), "user1", "", ms(DAY), "iOS", "1.0.0", 0, "red"])
    write("issue_shape.csv", ["id", "user", "event", "time", "os", "ver", "amount", "props_color"], rows)
    expected["issue_shape.csv"] = [ms(t) for t in instants()]


def kst():
    # Korean time without an offset, in a column named so (issue #14's first case).
    rows = []
    for i, t in enumerate(instants()):
        rows.append([eid("kst", i), "purchase" if i % 2 else "view_item", t.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
                     f"mem{i % 4}", f"DEV-{i % 4}", os_of(i), f"{16 + i % 2}.{i % 3}", f"7.{i % 2}.0", ["VIP", "NORMAL"][i % 2]])
    rows.append([eid("kst", 999), "", "2023-01-01 12:00:00", "mem1", "DEV-1", "iOS", "17.0", "7.0.0", "VIP"])
    write("event_time_kst.csv", ["event_id", "event_name", "event_time_kst", "member_id", "device_id", "os", "os_ver", "app_ver", "grade"], rows)
    expected["event_time_kst.csv"] = [ms(t) for t in instants()]


for f in (ga4, redshift, snowflake, issue, kst):
    f()
with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump({"good_rows": GOOD, "ts_ms": expected}, f, indent=1, sort_keys=True)
    f.write("\n")
