\set r random(1, 1000000000)
INSERT INTO bench_ceiling (payload) VALUES (repeat(md5(:r::text), 9));
