# Regenerates events.ndjson and warehouse.csv, the hand-checked samples the tests
# and the README use: python3 make_samples.py (run inside testdata/samples).
# Large inputs come from the Go generator instead: go run ./testdata/gen.
import json, uuid, csv, io
def uid(i): return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hackle-sample-{i}"))
android = {"osname":"Android","appversion":"6.9.0","language":"ko","osversion":"12","devicevendor":"samsung","versionname":"6.77.0-DEBUG","platform":"Mobile","devicemodel":"SM-S908N"}
ios = {"osname":"iOS","appversion":"6.9.3","language":"ko-KR","osversion":"16.0.2","devicevendor":"Apple","versionname":"6.77.0","platform":"Mobile","devicemodel":"iPhone14,2"}
rows=[]
events=["purchase","view_item","add_to_cart","login","search"]
for i in range(40):
    ev=events[i%5]
    r={"insert_id":uid(i),"event_key":ev,"ts":f"2023-01-01T{(i%24):02d}:{(i*7)%60:02d}:{(i*13)%60:02d}.{i*37%1000:03d}Z",
       "metric_value": (f"{(i*1234)%100000/100:.2f}" if ev=="purchase" else 0),
       "identifiers":{"id":uid(1000+i%9),"device_id":f"89ABCDEF-0123{i%9:04d}-89ABCDEF","user_id":str(49591+i%7),"session_id":f"1659710029.{i%4}.1.1659710504.0"},
       "user_properties":{"grade":["GOLD","SILVER","BRONZE"][i%3],"date_signed":"2022-07-01"},
       "event_properties":{"product_id":str(33537+i),"product_category":"LEISURE","product_name":["캠핑 의자","여행용 \"큰\" 가방","등산화\n겨울용"][i%3]} if ev in ("purchase","view_item","add_to_cart") else ({"query":"한강 공원 맛집"} if ev=="search" else {}),
       "platform_properties": dict(android if i%2==0 else ios)}
    rows.append(r)
rows[1]["ts"]="2023-01-01T09:30:00.123999999Z"
rows[0]["metric_value"]=12.3456789
rows[2]["event_properties"]={"Product_ID":"33539","Color":"빨강"}
rows[3]["platform_properties"]["osname"]="android"
rows[4]["metric_value"]="12345678901234567.5"
rows[5]["ts"]=1672569000123
rows[6]["event_properties"]={"price":19900,"ratio":0.1,"huge":12345678901234567890,"flag":True,"tags":["a","b"],"nested":{"k":"v"},"gone":None}
rows[7]["user_properties"]={"Grade":"GOLD","grade":"SILVER"}
lines=[json.dumps(r,ensure_ascii=False) for r in rows]
lines.append(json.dumps(rows[10],ensure_ascii=False))
def bad(mod):
    r=json.loads(json.dumps(rows[11])); r["insert_id"]=uid(500+len(lines)); mod(r); return json.dumps(r,ensure_ascii=False)
lines.append(bad(lambda r: r.pop("insert_id")))
lines.append(bad(lambda r: r.__setitem__("insert_id","not-a-uuid")))
lines.append(bad(lambda r: r.__setitem__("event_key","  ")))
lines.append(bad(lambda r: r.pop("ts")))
lines.append(bad(lambda r: r.__setitem__("ts","yesterday at noon")))
lines.append(bad(lambda r: r.__setitem__("ts","2023-01-02T00:00:00.000Z")))
lines.append(bad(lambda r: r.__setitem__("metric_value","12,000원")))
lines.append(bad(lambda r: r.__setitem__("metric_value","1234567890123456789")))
lines.append(bad(lambda r: r["identifiers"].pop("id")))
lines.append(bad(lambda r: r["identifiers"].__setitem__("device_id","")))
lines.append(bad(lambda r: r["platform_properties"].__setitem__("osname","Windows")))
lines.append(bad(lambda r: r["platform_properties"].pop("appversion")))
lines.append('{"insert_id": "'+uid(900)+'", "event_key": "purchase", "ts": ')
b=("\n".join(lines)+"\n").encode()
r=json.loads(json.dumps(rows[12])); r["insert_id"]=uid(901); r["event_key"]="view_XXitem"
b+= json.dumps(r,ensure_ascii=False).encode().replace(b"view_XXitem", b"view_\xff\xfeitem")+b"\n"
open("events.ndjson","wb").write(b)

hdr="event_id,event_name,event_time_kst,revenue,app_user_key,device_uuid,member_no,os,app_ver,properties_json,grade".split(",")
buf=io.StringIO(); w=csv.writer(buf, lineterminator="\r\n"); w.writerow(hdr)
wr=[]
for i in range(30):
    ev=events[i%5]
    kh=9+(i*23)//29; h=kh%24; d="2023-01-01" if kh<24 else "2023-01-02"
    props={"product_id":str(40000+i),"product_name":["무선 이어폰","\"프리미엄\" 텀블러","쿠폰, 할인\n적용"][i%3]} if ev in("purchase","add_to_cart") else {}
    wr.append([uid(2000+i),ev,f"{d} {h:02d}:{(i*11)%60:02d}:{(i*17)%60:02d}.{i*123%1000:03d}",
               (f"{(i*990)%50000}.5" if ev=="purchase" else ""),uid(3000+i%6),f"DEV-{i%6:04d}-UUID",str(10000+i%6) if i%4 else "",
               ["Android","iOS","android","IOS"][i%4],f"7.{i%3}.0",json.dumps(props,ensure_ascii=False) if props else "",["VIP","NORMAL"][i%2]])
wr[0][3]="12.3456789"
wr[1][2]="2023-01-01 10:00:00.9999"
wr[4][10]='VIP "gold"\nmember'
wr[2][9]=json.dumps({"Coupon_Code":"NEWYEAR","COLOR":"파랑"},ensure_ascii=False)
for r in wr: w.writerow(r)
def cbad(i, col, val):
    r=list(wr[3+i]); r[0]=uid(2500+i); r[hdr.index(col)]=val; w.writerow(r)
cbad(0,"event_id","")
cbad(1,"event_id","{not-a-uuid}")
cbad(2,"event_name","")
cbad(3,"event_time_kst","")
cbad(4,"event_time_kst","2023/01/01 10:00")
cbad(5,"event_time_kst","2023-01-02 09:00:00")
cbad(6,"revenue","N/A")
cbad(7,"device_uuid","")
cbad(8,"os","Windows")
cbad(9,"app_ver","")
cbad(10,"properties_json","{broken json")
w.writerow(wr[5])
buf.write("only,three,cells\r\n")
open("warehouse.csv","w",encoding="utf-8-sig",newline="").write(buf.getvalue())
