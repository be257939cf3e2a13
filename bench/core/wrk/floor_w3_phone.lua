-- The least W3-phone can cost: GET /floor/w3-phone?phone= (token check, search, log record; no app).
package.path = (os.getenv("KCC_BENCH_LUA") or "bench/core/wrk") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

init, request = common.authenticated_get("phones.txt", "/floor/w3-phone?phone=")
