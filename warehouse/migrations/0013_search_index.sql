-- newsflow warehouse, version 13: a search index written at load time, for the new articles
-- only (DuckDB's FTS index could only be rebuilt whole, at a cost growing with the warehouse).
-- Filled by tasks/load/search_index.py; queried with search_bm25('words') and
-- search_phrase('words'). See warehouse/README.md (The search index).
-- stem() comes from the FTS extension, which the warehouse loads before migrating.

-- Words too common to index or to score (DuckDB FTS's 'english' list).
CREATE TABLE search_stopwords (
    word            VARCHAR PRIMARY KEY
);

-- One row per indexed article.
CREATE TABLE search_docs (
    article_id      VARCHAR PRIMARY KEY,      -- articles.article_id
    length          INTEGER NOT NULL,         -- terms indexed from its title and text
    indexed_at      TIMESTAMP NOT NULL
);

-- One row per (term, article): how often and where the term occurs.
CREATE TABLE search_postings (
    term            VARCHAR NOT NULL,         -- Snowball English stem of a lower-cased word
    article_id      VARCHAR NOT NULL,         -- search_docs.article_id
    tf              INTEGER NOT NULL,         -- occurrences in the title and text
    positions       INTEGER[] NOT NULL        -- word positions, for phrases
);

-- Running totals for BM25, kept in step with search_docs: one row.
CREATE TABLE search_stats (
    docs            BIGINT NOT NULL,          -- rows in search_docs
    total_length    BIGINT NOT NULL           -- sum of search_docs.length
);
INSERT INTO search_stats VALUES (0, 0);

-- Words of a text: lower-cased runs of letters (Latin, accented too) and digits.
CREATE MACRO search_tokens(s) AS
    regexp_extract_all(lower(coalesce(s, '')), '[a-z0-9ß-öø-ɏ]+');

-- The indexed term of a word that is not a stop word: accents stripped, Snowball English stem.
CREATE MACRO search_stem(word) AS stem(strip_accents(word), 'english');

-- The indexed terms of a text, with each word's position (stop words keep theirs).
CREATE MACRO search_terms(q) AS TABLE
SELECT pos, search_stem(token) AS term
FROM (
    SELECT unnest(words) AS token, unnest(range(len(words)))::INTEGER AS pos
    FROM (SELECT search_tokens(q) AS words)
)
WHERE strip_accents(token) NOT IN (SELECT word FROM search_stopwords);

-- BM25 of every article that has any of the words: k1 = 1.2, b = 0.75 and a base-10 idf,
-- as DuckDB's FTS scores.
CREATE MACRO search_bm25(q) AS TABLE
WITH terms AS (
    SELECT DISTINCT term FROM search_terms(q)
),
hits AS (
    SELECT p.term, p.article_id, p.tf
    FROM search_postings p SEMI JOIN terms t ON t.term = p.term
),
df AS (
    SELECT term, count(*) AS df FROM hits GROUP BY term
)
SELECT h.article_id,
       sum(
           log10((s.docs - df.df + 0.5) / (df.df + 0.5) + 1)
           * h.tf * 2.2
           / (h.tf + 1.2 * (0.25 + 0.75 * d.length / (s.total_length / s.docs)))
       ) AS score
FROM hits h
JOIN df ON df.term = h.term
JOIN search_docs d ON d.article_id = h.article_id
CROSS JOIN search_stats s
GROUP BY h.article_id;

-- Articles where the words occur in this order, next to each other (stop words between
-- them keep their places: 'state of the union').
CREATE MACRO search_phrase(q) AS TABLE
WITH terms AS (
    SELECT pos - min(pos) OVER () AS offset_, term FROM search_terms(q)
),
starts AS (
    SELECT p.article_id, unnest(p.positions) - t.offset_ AS start, t.offset_
    FROM search_postings p JOIN terms t ON t.term = p.term
)
SELECT DISTINCT article_id
FROM starts
GROUP BY article_id, start
HAVING count(DISTINCT offset_) = (SELECT count(DISTINCT offset_) FROM terms);

-- DuckDB's FTS index, rebuilt whole by every run until now, is replaced by the tables above.
DROP SCHEMA IF EXISTS fts_main_articles CASCADE;

INSERT INTO search_stopwords VALUES
    ('a'), ('a''s'), ('able'), ('about'), ('above'), ('according'), ('accordingly'),
    ('across'), ('actually'), ('after'), ('afterwards'), ('again'), ('against'), ('ain''t'),
    ('all'), ('allow'), ('allows'), ('almost'), ('alone'), ('along'), ('already'), ('also'),
    ('although'), ('always'), ('am'), ('among'), ('amongst'), ('an'), ('and'), ('another'),
    ('any'), ('anybody'), ('anyhow'), ('anyone'), ('anything'), ('anyway'), ('anyways'),
    ('anywhere'), ('apart'), ('appear'), ('appreciate'), ('appropriate'), ('are'), ('aren''t'),
    ('around'), ('as'), ('aside'), ('ask'), ('asking'), ('associated'), ('at'), ('available'),
    ('away'), ('awfully'), ('b'), ('be'), ('became'), ('because'), ('become'), ('becomes'),
    ('becoming'), ('been'), ('before'), ('beforehand'), ('behind'), ('being'), ('believe'),
    ('below'), ('beside'), ('besides'), ('best'), ('better'), ('between'), ('beyond'),
    ('both'), ('brief'), ('but'), ('by'), ('c'), ('c''mon'), ('c''s'), ('came'), ('can'),
    ('can''t'), ('cannot'), ('cant'), ('cause'), ('causes'), ('certain'), ('certainly'),
    ('changes'), ('clearly'), ('co'), ('com'), ('come'), ('comes'), ('concerning'),
    ('consequently'), ('consider'), ('considering'), ('contain'), ('containing'), ('contains'),
    ('corresponding'), ('could'), ('couldn''t'), ('course'), ('currently'), ('d'),
    ('definitely'), ('described'), ('despite'), ('did'), ('didn''t'), ('different'), ('do'),
    ('does'), ('doesn''t'), ('doing'), ('don''t'), ('done'), ('down'), ('downwards'),
    ('during'), ('e'), ('each'), ('edu'), ('eg'), ('eight'), ('either'), ('else'),
    ('elsewhere'), ('enough'), ('entirely'), ('especially'), ('et'), ('etc'), ('even'),
    ('ever'), ('every'), ('everybody'), ('everyone'), ('everything'), ('everywhere'), ('ex'),
    ('exactly'), ('example'), ('except'), ('f'), ('far'), ('few'), ('fifth'), ('first'),
    ('five'), ('followed'), ('following'), ('follows'), ('for'), ('former'), ('formerly'),
    ('forth'), ('four'), ('from'), ('further'), ('furthermore'), ('g'), ('get'), ('gets'),
    ('getting'), ('given'), ('gives'), ('go'), ('goes'), ('going'), ('gone'), ('got'),
    ('gotten'), ('greetings'), ('h'), ('had'), ('hadn''t'), ('happens'), ('hardly'), ('has'),
    ('hasn''t'), ('have'), ('haven''t'), ('having'), ('he'), ('he''s'), ('hello'), ('help'),
    ('hence'), ('her'), ('here'), ('here''s'), ('hereafter'), ('hereby'), ('herein'),
    ('hereupon'), ('hers'), ('herself'), ('hi'), ('him'), ('himself'), ('his'), ('hither'),
    ('hopefully'), ('how'), ('howbeit'), ('however'), ('i'), ('i''d'), ('i''ll'), ('i''m'),
    ('i''ve'), ('ie'), ('if'), ('ignored'), ('immediate'), ('in'), ('inasmuch'), ('inc'),
    ('indeed'), ('indicate'), ('indicated'), ('indicates'), ('inner'), ('insofar'),
    ('instead'), ('into'), ('inward'), ('is'), ('isn''t'), ('it'), ('it''d'), ('it''ll'),
    ('it''s'), ('its'), ('itself'), ('j'), ('just'), ('k'), ('keep'), ('keeps'), ('kept'),
    ('know'), ('known'), ('knows'), ('l'), ('last'), ('lately'), ('later'), ('latter'),
    ('latterly'), ('least'), ('less'), ('lest'), ('let'), ('let''s'), ('like'), ('liked'),
    ('likely'), ('little'), ('look'), ('looking'), ('looks'), ('ltd'), ('m'), ('mainly'),
    ('many'), ('may'), ('maybe'), ('me'), ('mean'), ('meanwhile'), ('merely'), ('might'),
    ('more'), ('moreover'), ('most'), ('mostly'), ('much'), ('must'), ('my'), ('myself'),
    ('n'), ('name'), ('namely'), ('nd'), ('near'), ('nearly'), ('necessary'), ('need'),
    ('needs'), ('neither'), ('never'), ('nevertheless'), ('new'), ('next'), ('nine'), ('no'),
    ('nobody'), ('non'), ('none'), ('noone'), ('nor'), ('normally'), ('not'), ('nothing'),
    ('novel'), ('now'), ('nowhere'), ('o'), ('obviously'), ('of'), ('off'), ('often'), ('oh'),
    ('ok'), ('okay'), ('old'), ('on'), ('once'), ('one'), ('ones'), ('only'), ('onto'), ('or'),
    ('other'), ('others'), ('otherwise'), ('ought'), ('our'), ('ours'), ('ourselves'), ('out'),
    ('outside'), ('over'), ('overall'), ('own'), ('p'), ('particular'), ('particularly'),
    ('per'), ('perhaps'), ('placed'), ('please'), ('plus'), ('possible'), ('presumably'),
    ('probably'), ('provides'), ('q'), ('que'), ('quite'), ('qv'), ('r'), ('rather'), ('rd'),
    ('re'), ('really'), ('reasonably'), ('regarding'), ('regardless'), ('regards'),
    ('relatively'), ('respectively'), ('right'), ('s'), ('said'), ('same'), ('saw'), ('say'),
    ('saying'), ('says'), ('second'), ('secondly'), ('see'), ('seeing'), ('seem'), ('seemed'),
    ('seeming'), ('seems'), ('seen'), ('self'), ('selves'), ('sensible'), ('sent'),
    ('serious'), ('seriously'), ('seven'), ('several'), ('shall'), ('she'), ('should'),
    ('shouldn''t'), ('since'), ('six'), ('so'), ('some'), ('somebody'), ('somehow'),
    ('someone'), ('something'), ('sometime'), ('sometimes'), ('somewhat'), ('somewhere'),
    ('soon'), ('sorry'), ('specified'), ('specify'), ('specifying'), ('still'), ('sub'),
    ('such'), ('sup'), ('sure'), ('t'), ('t''s'), ('take'), ('taken'), ('tell'), ('tends'),
    ('th'), ('than'), ('thank'), ('thanks'), ('thanx'), ('that'), ('that''s'), ('thats'),
    ('the'), ('their'), ('theirs'), ('them'), ('themselves'), ('then'), ('thence'), ('there'),
    ('there''s'), ('thereafter'), ('thereby'), ('therefore'), ('therein'), ('theres'),
    ('thereupon'), ('these'), ('they'), ('they''d'), ('they''ll'), ('they''re'), ('they''ve'),
    ('think'), ('third'), ('this'), ('thorough'), ('thoroughly'), ('those'), ('though'),
    ('three'), ('through'), ('throughout'), ('thru'), ('thus'), ('to'), ('together'), ('too'),
    ('took'), ('toward'), ('towards'), ('tried'), ('tries'), ('truly'), ('try'), ('trying'),
    ('twice'), ('two'), ('u'), ('un'), ('under'), ('unfortunately'), ('unless'), ('unlikely'),
    ('until'), ('unto'), ('up'), ('upon'), ('us'), ('use'), ('used'), ('useful'), ('uses'),
    ('using'), ('usually'), ('uucp'), ('v'), ('value'), ('various'), ('very'), ('via'),
    ('viz'), ('vs'), ('w'), ('want'), ('wants'), ('was'), ('wasn''t'), ('way'), ('we'),
    ('we''d'), ('we''ll'), ('we''re'), ('we''ve'), ('welcome'), ('well'), ('went'), ('were'),
    ('weren''t'), ('what'), ('what''s'), ('whatever'), ('when'), ('whence'), ('whenever'),
    ('where'), ('where''s'), ('whereafter'), ('whereas'), ('whereby'), ('wherein'),
    ('whereupon'), ('wherever'), ('whether'), ('which'), ('while'), ('whither'), ('who'),
    ('who''s'), ('whoever'), ('whole'), ('whom'), ('whose'), ('why'), ('will'), ('willing'),
    ('wish'), ('with'), ('within'), ('without'), ('won''t'), ('wonder'), ('would'),
    ('wouldn''t'), ('x'), ('y'), ('yes'), ('yet'), ('you'), ('you''d'), ('you''ll'),
    ('you''re'), ('you''ve'), ('your'), ('yours'), ('yourself'), ('yourselves'), ('z'),
    ('zero');
