-- The claims run without JIT compilation. Their cost estimates grow with the cells wanted (the
-- fair split's windows over `generate_series(1, wanted)`), and past `jit_above_cost` (100,000 by
-- default) PostgreSQL compiled their expressions on every call: a claim of 64 cells took 30 ms,
-- 25 of them compiling; it takes 10 without. (Measured with `bench/runs.py`; see bench/README.md.)

alter function public.claim_run_cells(uuid, integer, double precision) set jit = off;
alter function public.claim_work(uuid, integer, double precision) set jit = off;
