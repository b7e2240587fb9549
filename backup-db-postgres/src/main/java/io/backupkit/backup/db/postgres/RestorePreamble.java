package io.backupkit.backup.db.postgres;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Internal: the SQL that psql runs before the restore script, in the same transaction. It opens the
 * transaction and removes everything the dump will recreate, so that objects created after the backup
 * are gone once the transaction commits (and nothing is touched if it rolls back).
 *
 * <p>Whole-database restore (no schema filter): event triggers (first: they would fire on the drops),
 * publications, extensions other than {@code plpgsql}, every schema but the system ones, user-defined
 * casts, languages, foreign-data wrappers and servers, access methods, and every large object; then
 * the {@code public} schema is recreated as {@code initdb} makes it, since {@code pg_dump} never
 * creates it. With {@code schemas}, only those schemas are replaced; with {@code exclude_schemas},
 * everything but those schemas (and database-wide objects other than large objects are kept). A
 * partial restore first refuses (raises an error, so the transaction rolls back) when objects outside
 * the replaced schemas depend on objects inside them: the cascade would drop them for good.
 *
 * <p>Written for psql: uses {@code \gexec}, so it must come before the dump script's {@code
 * \restrict}.
 */
final class RestorePreamble {
    private static final String NOT_IN_EXTENSION = "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
            + " WHERE d.classid = '%s'::pg_catalog.regclass AND d.objid = %s AND d.deptype = 'e')";

    private RestorePreamble() {}

    /**
     * @param includeSchemas restore only these schemas (empty: all)
     * @param excludeSchemas keep these schemas as they are
     * @param role role to {@code SET ROLE} to, or {@code null}
     * @param sourceMajor major version of the server the dump was made from (decides how {@code
     *     public} looked after {@code initdb}: owned by {@code pg_database_owner} from 15 on)
     */
    static String sql(List<String> includeSchemas, List<String> excludeSchemas, String role, int sourceMajor) {
        boolean whole = includeSchemas.isEmpty() && excludeSchemas.isEmpty();
        StringBuilder s = new StringBuilder();
        s.append("BEGIN;\n");
        s.append("SET client_min_messages = warning;\n");
        if (role != null) {
            s.append("SET ROLE ").append(ident(role)).append(";\n");
        }
        if (!whole) {
            refuseLostDependents(s, includeSchemas, excludeSchemas);
        }
        if (whole) {
            dropFirst(s);
        }
        replaceSchemas(s, includeSchemas, excludeSchemas);
        if (whole) {
            dropDatabaseWide(s);
        }
        if (includeSchemas.isEmpty()) {
            // pg_restore -n skips large objects; otherwise they are all replaced
            s.append("SELECT pg_catalog.count(pg_catalog.lo_unlink(l.oid))"
                    + " FROM pg_catalog.pg_largeobject_metadata l;\n");
        }
        recreatePublic(s, includeSchemas, excludeSchemas, sourceMajor);
        if (role != null) {
            s.append("RESET ROLE;\n");
        }
        // the notices of the script's first statements (the pump blanks its own BEGIN); it resets this
        s.append("SET client_min_messages = error;\n");
        return s.toString();
    }

    /**
     * A partial restore must not silently drop objects it does not put back: refuses (raises) when
     * anything outside the replaced schemas depends on something inside them.
     */
    private static void refuseLostDependents(
            StringBuilder s, List<String> includeSchemas, List<String> excludeSchemas) {
        s.append("SELECT pg_catalog.format('DO $bk$ BEGIN RAISE EXCEPTION %L; END $bk$',"
                        + " 'objects outside the schemas being restored depend on them and would be lost: '"
                        + " || pg_catalog.string_agg(DISTINCT x.what, ', ') || '. Restore the whole database,"
                        + " or include the schemas of those objects') FROM (SELECT"
                        + " pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) AS what,"
                        + " COALESCE(o.schema, (SELECT rn.nspname::pg_catalog.text FROM pg_catalog.pg_class rc"
                        + " JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace WHERE rc.oid = CASE d.classid"
                        + " WHEN 'pg_catalog.pg_attrdef'::pg_catalog.regclass THEN"
                        + " (SELECT a.adrelid FROM pg_catalog.pg_attrdef a WHERE a.oid = d.objid)"
                        + " WHEN 'pg_catalog.pg_rewrite'::pg_catalog.regclass THEN"
                        + " (SELECT w.ev_class FROM pg_catalog.pg_rewrite w WHERE w.oid = d.objid)"
                        + " WHEN 'pg_catalog.pg_trigger'::pg_catalog.regclass THEN"
                        + " (SELECT t.tgrelid FROM pg_catalog.pg_trigger t WHERE t.oid = d.objid)"
                        + " WHEN 'pg_catalog.pg_policy'::pg_catalog.regclass THEN"
                        + " (SELECT p.polrelid FROM pg_catalog.pg_policy p WHERE p.oid = d.objid) END)) AS dep_schema"
                        + " FROM pg_catalog.pg_depend d,"
                        + " pg_catalog.pg_identify_object(d.refclassid, d.refobjid, 0) r,"
                        + " pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) o"
                        + " WHERE d.deptype IN ('n', 'a') AND r.schema IS NOT NULL AND ")
                .append(replaced("r.schema", includeSchemas, excludeSchemas))
                .append(") x WHERE x.dep_schema IS NULL OR NOT (")
                .append(replaced("x.dep_schema", includeSchemas, excludeSchemas))
                .append(") HAVING pg_catalog.count(*) > 0 \\gexec\n");
    }

    /** Whole database: event triggers first (they would fire on the drops), publications, extensions. */
    private static void dropFirst(StringBuilder s) {
        dropEach(s, "DROP EVENT TRIGGER IF EXISTS %I", "e.evtname", "pg_catalog.pg_event_trigger", "e", "");
        s.append("SELECT pg_catalog.format('DROP PUBLICATION IF EXISTS %I', p.pubname)"
                + " FROM pg_catalog.pg_publication p \\gexec\n");
        s.append("SELECT pg_catalog.format('DROP EXTENSION IF EXISTS %I CASCADE', x.extname)"
                + " FROM pg_catalog.pg_extension x WHERE x.extname <> 'plpgsql' \\gexec\n");
    }

    /** Drops the replaced schemas; with {@code schemas}, puts them back empty with owner, comment and grants. */
    private static void replaceSchemas(StringBuilder s, List<String> includeSchemas, List<String> excludeSchemas) {
        if (!includeSchemas.isEmpty()) {
            // pg_restore -n restores what is in the schemas, not the schemas themselves: keep their
            // owner, comment and privileges to put them back after the drop
            s.append("CREATE TEMPORARY TABLE bk_restore_schemas ON COMMIT DROP AS SELECT n.nspname,"
                            + " pg_catalog.pg_get_userbyid(n.nspowner) AS owner, n.nspowner, n.nspacl,"
                            + " pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment"
                            + " FROM pg_catalog.pg_namespace n WHERE n.nspname::pg_catalog.text = ANY (")
                    .append(textArray(includeSchemas))
                    .append(");\n");
        }
        s.append("SELECT pg_catalog.format('DROP SCHEMA IF EXISTS %I CASCADE', n.nspname)"
                        + " FROM pg_catalog.pg_namespace n WHERE ")
                .append(replaced("n.nspname::pg_catalog.text", includeSchemas, excludeSchemas));
        s.append(" \\gexec\n");
        if (!includeSchemas.isEmpty()) {
            s.append("SELECT pg_catalog.format('CREATE SCHEMA %I AUTHORIZATION %I', b.nspname, b.owner)"
                    + " FROM pg_temp.bk_restore_schemas b WHERE b.nspname <> 'public' \\gexec\n");
            s.append("SELECT pg_catalog.format('COMMENT ON SCHEMA %I IS %L', b.nspname, b.comment)"
                    + " FROM pg_temp.bk_restore_schemas b WHERE b.comment IS NOT NULL AND b.nspname <> 'public'"
                    + " \\gexec\n");
            s.append("SELECT pg_catalog.format('GRANT %s ON SCHEMA %I TO %s', a.privilege_type, b.nspname,"
                    + " CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident("
                    + "pg_catalog.pg_get_userbyid(a.grantee)) END) FROM pg_temp.bk_restore_schemas b,"
                    + " pg_catalog.aclexplode(b.nspacl) a WHERE a.grantee <> b.nspowner AND b.nspname <> 'public'"
                    + " \\gexec\n");
            for (String schema : includeSchemas) {
                if (!schema.equals("public")) {
                    s.append("CREATE SCHEMA IF NOT EXISTS ")
                            .append(ident(schema))
                            .append(";\n");
                }
            }
        }
    }

    /** Whole database: casts, servers, wrappers, languages and access methods of its own. */
    private static void dropDatabaseWide(StringBuilder s) {
        dropEach(
                s,
                "DROP CAST IF EXISTS (%s AS %s) CASCADE",
                "c.castsource::pg_catalog.regtype, c.casttarget::pg_catalog.regtype",
                "pg_catalog.pg_cast",
                "c",
                "c.oid >= 16384 AND ");
        dropEach(s, "DROP SERVER IF EXISTS %I CASCADE", "s.srvname", "pg_catalog.pg_foreign_server", "s", "");
        dropEach(
                s,
                "DROP FOREIGN DATA WRAPPER IF EXISTS %I CASCADE",
                "w.fdwname",
                "pg_catalog.pg_foreign_data_wrapper",
                "w",
                "w.oid >= 16384 AND ");
        dropEach(
                s,
                "DROP LANGUAGE IF EXISTS %I CASCADE",
                "l.lanname",
                "pg_catalog.pg_language",
                "l",
                "l.oid >= 16384 AND l.lanname <> 'plpgsql' AND ");
        dropEach(
                s,
                "DROP ACCESS METHOD IF EXISTS %I CASCADE",
                "a.amname",
                "pg_catalog.pg_am",
                "a",
                "a.oid >= 16384 AND ");
    }

    /** {@code public} as initdb makes it when it was dropped: pg_dump never emits CREATE SCHEMA public. */
    private static void recreatePublic(
            StringBuilder s, List<String> includeSchemas, List<String> excludeSchemas, int sourceMajor) {
        boolean publicReplaced =
                includeSchemas.isEmpty() ? !excludeSchemas.contains("public") : includeSchemas.contains("public");
        if (publicReplaced) {
            // pg_dump never emits CREATE SCHEMA public (only changes from initdb's state)
            if (sourceMajor >= 15) {
                s.append("CREATE SCHEMA public AUTHORIZATION pg_database_owner;\n");
                s.append("GRANT USAGE ON SCHEMA public TO PUBLIC;\n");
            } else {
                s.append("CREATE SCHEMA public;\n");
                s.append("SELECT pg_catalog.format('ALTER SCHEMA public OWNER TO %I', r.rolname)"
                        + " FROM pg_catalog.pg_roles r WHERE r.oid = 10 \\gexec\n");
                s.append("GRANT ALL ON SCHEMA public TO PUBLIC;\n");
            }
            s.append("COMMENT ON SCHEMA public IS 'standard public schema';\n");
        }
    }

    /** SQL: the schema named by {@code column} (text) is one this restore replaces. */
    private static String replaced(String column, List<String> includeSchemas, List<String> excludeSchemas) {
        StringBuilder s = new StringBuilder();
        s.append(column)
                .append(" NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ")
                .append(column)
                .append(" NOT LIKE 'pg\\_temp\\_%' AND ")
                .append(column)
                .append(" NOT LIKE 'pg\\_toast\\_temp\\_%'");
        if (!includeSchemas.isEmpty()) {
            s.append(" AND ")
                    .append(column)
                    .append(" = ANY (")
                    .append(textArray(includeSchemas))
                    .append(")");
        }
        if (!excludeSchemas.isEmpty()) {
            s.append(" AND ")
                    .append(column)
                    .append(" <> ALL (")
                    .append(textArray(excludeSchemas))
                    .append(")");
        }
        return s.toString();
    }

    /**
     * Drops every object of {@code catalog} (alias {@code alias}) that {@code filter} selects and no
     * extension owns: {@code SELECT format(drop, args) FROM catalog alias WHERE filter ... \\gexec}.
     */
    private static void dropEach(
            StringBuilder s, String drop, String args, String catalog, String alias, String filter) {
        s.append("SELECT pg_catalog.format('")
                .append(drop)
                .append("', ")
                .append(args)
                .append(") FROM ")
                .append(catalog)
                .append(' ')
                .append(alias)
                .append(" WHERE ")
                .append(filter)
                .append(notInExtension(catalog, alias + ".oid"))
                .append(" \\gexec\n");
    }

    private static String notInExtension(String catalog, String oidExpr) {
        return String.format(NOT_IN_EXTENSION, catalog, oidExpr);
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL in an SQL literal");
        }
        return "'" + value.replace("'", "''") + "'";
    }

    private static String textArray(List<String> values) {
        return "ARRAY[" + values.stream().map(RestorePreamble::literal).collect(Collectors.joining(", "))
                + "]::pg_catalog.text[]";
    }
}
