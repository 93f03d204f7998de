import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import com.datastax.driver.core.exceptions.AuthenticationException;
import com.datastax.driver.core.exceptions.NoHostAvailableException;
import java.util.concurrent.TimeUnit;

/**
 * Creates Parley's login role in the embedded Cassandra, which runs with authentication on. Run by
 * scripts/cassandra.sh at a data directory's first start, as a single-file program on Cassandra's
 * own classpath (its CQL driver 3): {@code java ParleyRole.java PORT ROLE PASSWORD TIMEOUT_S}.
 *
 * <p>Logs in as the superuser Cassandra makes in an empty cluster (cassandra/cassandra, a dev node
 * on loopback only), which appears a moment after the CQL port opens, so it retries until then.
 * The role may create keyspaces and read and write all of them (the schema, the nodes and the
 * tests' scratch keyspaces all use it), and read Cassandra's virtual tables.
 */
public final class ParleyRole {
  private static final String SUPERUSER = "cassandra";
  private static String address;

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String role = args[1];
    String password = args[2];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
    address = args.length > 4 ? args[4] : "127.0.0.1";
    if (!role.matches("[a-z_][a-z0-9_]*")) throw new IllegalArgumentException("role " + role);
    if (canLogIn(port, role, password)) return;
    while (true) {
      try (Cluster cluster = cluster(port, SUPERUSER, SUPERUSER);
          Session session = cluster.connect()) {
        session.execute(
            "CREATE ROLE IF NOT EXISTS "
                + role
                + " WITH PASSWORD = '"
                + password.replace("'", "''")
                + "' AND LOGIN = true");
        session.execute("GRANT ALL PERMISSIONS ON ALL KEYSPACES TO " + role);
        // Cassandra's virtual tables are not among ALL KEYSPACES: tests read system_views.clients
        // and the recovery benchmark system_views.sstable_tasks.
        session.execute("GRANT SELECT ON KEYSPACE system_views TO " + role);
        System.out.println("Created the Cassandra role " + role + ".");
        return;
      } catch (AuthenticationException | NoHostAvailableException e) {
        // The default superuser is not there yet.
        if (System.nanoTime() > deadline) {
          System.err.println("Could not create the role " + role + ": " + e.getMessage());
          System.exit(1);
        }
        Thread.sleep(500);
      }
    }
  }

  private static boolean canLogIn(int port, String role, String password) {
    try (Cluster cluster = cluster(port, role, password);
        Session session = cluster.connect()) {
      return true;
    } catch (AuthenticationException | NoHostAvailableException e) {
      return false;
    }
  }

  private static Cluster cluster(int port, String user, String password) {
    return Cluster.builder()
        .addContactPoint(address)
        .withPort(port)
        .withCredentials(user, password)
        .withoutJMXReporting()
        .withoutMetrics()
        .build();
  }
}
