/*
 * profiles.h - fixed partner profiles the fuzz targets evaluate, copied from
 * examples/partners.jsonl (APN schema) and tests/golden/data/card.jsonl
 * (examples/card.tier's schema).  Plain data; regenerate by hand if the
 * schema changes (a profile that no longer matches only costs coverage).
 */
#ifndef TIER_FUZZ_PROFILES_H
#define TIER_FUZZ_PROFILES_H

static const char *const fuzz_apn_profiles[] = {
    /* P-0031 technology, few entries */
    "{\"id\": \"P-0031\", \"name\": \"Fresh ISV Labs\", \"type\": \"technology\", \"renewal\": \"2019-09-09\","
    " \"certifications\": [{\"person\": \"e1\", \"name\": \"Developer - Associate\", \"level\": \"associate\","
    " \"earned\": \"2019-03-03\", \"expires\": \"2022-03-03\"}], \"products\": [{\"name\": \"Prototype\","
    " \"ga\": null, \"baseline_review\": null}], \"support\": \"basic\"}",
    /* P-0001 consulting, small */
    "{\"id\": \"P-0001\", \"name\": \"Nimbus Starter LLC\", \"type\": \"consulting\", \"renewal\": \"2019-06-01\","
    " \"certifications\": [{\"person\": \"e1\", \"name\": \"SysOps Administrator - Associate\", \"level\": \"associate\","
    " \"earned\": \"2019-05-02\", \"expires\": \"2022-05-02\"}, {\"person\": \"e2\", \"name\": \"Cloud Practitioner\","
    " \"level\": \"foundational\", \"earned\": \"2019-04-20\", \"expires\": \"2022-04-20\"}], \"accreditations\": [],"
    " \"opportunities\": [{\"id\": \"O-1-001\", \"customer\": \"C-9123\", \"stage\": \"open\", \"launched\": null,"
    " \"mrr\": 1200, \"public\": false}], \"validations\": [], \"csat\": [], \"business_plan\": null,"
    " \"executive_review\": null, \"direct_revenue\": [], \"products\": [], \"support\": \"basic\"}",
    /* P-0006 consulting, thresholds exact */
    "{\"id\": \"P-0006\", \"name\": \"Threshold Exact KK\", \"type\": \"consulting\", \"renewal\": \"2019-08-01\","
    " \"certifications\": [{\"person\": \"e1\", \"name\": \"SysOps Administrator - Associate\", \"level\": \"associate\","
    " \"earned\": \"2019-02-04\", \"expires\": \"2022-02-04\"}, {\"person\": \"e2\", \"name\": \"Developer - Associate\","
    " \"level\": \"associate\", \"earned\": \"2017-09-20\", \"expires\": \"2020-09-20\"}, {\"person\": \"e1\","
    " \"name\": \"Cloud Practitioner\", \"level\": \"foundational\", \"earned\": \"2019-02-27\","
    " \"expires\": null}, {\"person\": \"e3\", \"name\": \"Cloud Practitioner\", \"level\": \"foundational\","
    " \"earned\": \"2018-11-27\", \"expires\": \"2021-11-27\"}, {\"person\": \"e4\", \"name\": \"Developer - Associate\","
    " \"level\": \"associate\", \"earned\": \"2015-11-22\", \"expires\": \"2018-11-22\"}, {\"person\": \"e5\","
    " \"name\": \"Cloud Practitioner\", \"level\": \"foundational\", \"earned\": \"2016-02-01\","
    " \"expires\": \"2019-02-01\"}], \"accreditations\": [{\"person\": \"e3\", \"track\": \"business\","
    " \"earned\": \"2018-07-16\"}, {\"person\": \"e3\", \"track\": \"business\", \"earned\": \"2017-12-06\"},"
    " {\"person\": \"e2\", \"track\": \"business\", \"earned\": \"2018-03-28\"}, {\"person\": \"e2\","
    " \"track\": \"business\", \"earned\": \"2018-06-29\"}, {\"person\": \"e1\", \"track\": \"technical\","
    " \"earned\": \"2017-12-16\"}, {\"person\": \"e2\", \"track\": \"technical\", \"earned\": \"2018-12-31\"},"
    " {\"person\": \"e2\", \"track\": \"technical\", \"earned\": \"2018-02-06\"}], \"opportunities\": [{\"id\": \"O-6-001\","
    " \"customer\": \"C-3055\", \"stage\": \"launched\", \"launched\": \"2019-01-17\", \"mrr\": 560.79,"
    " \"public\": true}, {\"id\": \"O-6-002\", \"customer\": \"C-1031\", \"stage\": \"launched\","
    " \"launched\": \"2019-02-19\", \"mrr\": 346.5, \"public\": false}, {\"id\": \"O-6-003\", \"customer\": \"C-7366\","
    " \"stage\": \"launched\", \"launched\": \"2019-01-26\", \"mrr\": 592.71, \"public\": false},"
    " {\"id\": \"O-6-004\", \"customer\": \"C-9153\", \"stage\": \"open\", \"launched\": null, \"mrr\": 6649.64,"
    " \"public\": false}, {\"id\": \"O-6-005\", \"customer\": \"C-0414\", \"stage\": \"open\", \"launched\": null,"
    " \"mrr\": 6798, \"public\": false}, {\"id\": \"O-6-006\", \"customer\": \"C-5475\", \"stage\": \"lost\","
    " \"launched\": null, \"mrr\": 3814.12, \"public\": false}, {\"id\": \"O-6-007\", \"customer\": \"C-6092\","
    " \"stage\": \"launched\", \"launched\": \"2017-01-09\", \"mrr\": 1195.55, \"public\": false}],"
    " \"validations\": [], \"csat\": [{\"submitted\": \"2019-02-09\", \"score\": 5}, {\"submitted\": \"2019-05-02\","
    " \"score\": 4}, {\"submitted\": \"2019-04-26\", \"score\": 5}, {\"submitted\": \"2019-04-20\","
    " \"score\": 3}, {\"submitted\": \"2019-02-22\", \"score\": 3}, {\"submitted\": \"2018-02-23\","
    " \"score\": 5}, {\"submitted\": \"2017-01-08\", \"score\": 5}], \"business_plan\": null, \"executive_review\": null,"
    " \"direct_revenue\": [], \"products\": [], \"support\": \"business\"}",
    /* P-0036 technology */
    "{\"id\": \"P-0036\", \"name\": \"Minimum Viable ISV\", \"type\": \"technology\", \"renewal\": \"2019-02-02\","
    " \"certifications\": [{\"person\": \"e1\", \"name\": \"Developer - Associate\", \"level\": \"associate\","
    " \"earned\": \"2017-11-10\", \"expires\": \"2020-11-10\"}], \"accreditations\": [], \"opportunities\": [{\"id\": \"O-36-001\","
    " \"customer\": \"C-6083\", \"stage\": \"launched\", \"launched\": \"2019-04-06\", \"mrr\": 152.43,"
    " \"public\": true}, {\"id\": \"O-36-002\", \"customer\": \"C-4681\", \"stage\": \"launched\","
    " \"launched\": \"2019-04-04\", \"mrr\": 271.65, \"public\": false}, {\"id\": \"O-36-003\", \"customer\": \"C-4142\","
    " \"stage\": \"open\", \"launched\": null, \"mrr\": 745.08, \"public\": false}], \"validations\": [],"
    " \"csat\": [{\"submitted\": \"2019-03-29\", \"score\": 5}, {\"submitted\": \"2019-01-14\", \"score\": 4}],"
    " \"business_plan\": null, \"executive_review\": null, \"direct_revenue\": [], \"products\": [{\"name\": \"Day One\","
    " \"ga\": \"2019-12-13\", \"baseline_review\": null}], \"support\": \"business\"}",
};

static const char *const fuzz_card_profiles[] = {
    "{\"id\":\"A\",\"type\":\"consulting\",\"certified_people\":4,\"business_pro\":2}",
    "{\"id\":\"B\",\"type\":\"consulting\",\"certified_people\":3,\"business_pro\":2}",
};

#define FUZZ_NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
