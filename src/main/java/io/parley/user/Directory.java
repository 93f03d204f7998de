package io.parley.user;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The people directory that search reads (a Cassandra table: {@code storage.PeopleTable}): the user
 * entity keeps its user's rows in it ({@link DirectoryListing}). Written when a user registers or
 * changes nickname or findability, never per message.
 */
public interface Directory {
  /**
   * Replaces {@code user}'s rows, listed under nickname {@code listed} (null: none), by those for
   * {@code nickname} (null: none, the user is not findable). Idempotent.
   */
  CompletionStage<Done> relist(String user, String listed, String nickname);

  /** No directory (entity tests): nothing is listed, and nothing is stored about it. */
  Directory NONE =
      (user, listed, nickname) -> CompletableFuture.completedFuture(Done.getInstance());
}
