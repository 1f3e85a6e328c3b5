-- Counting every community of the registry (communities without `within`) filtered the area
-- table on its level, which no index served: a scan of every area, wide rows and all. This
-- index answers that count from the index alone, and any level within a code range.
CREATE INDEX "area_level_code_idx" ON "communities"."area" ("level", "code");
