package io.parley.edge;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Group, room and typing operations (PROTOCOL.md section 5): asks the conversation entities. */
final class Groups {
  private final SessionDeps deps;

  Groups(SessionDeps deps) {
    this.deps = deps;
  }

  CompletionStage<ServerFrame> create(String user, ClientFrame.Create c) {
    return CompletableFuture.completedFuture(
        ServerFrame.Error.of(c.rid(), ErrorCode.INTERNAL, "not implemented yet"));
  }

  CompletionStage<ServerFrame> handle(String user, ClientFrame.GroupOp op) {
    return CompletableFuture.completedFuture(
        ServerFrame.Error.of(op.rid(), ErrorCode.INTERNAL, "not implemented yet"));
  }

  void typing(String user, ClientFrame.Typing t) {}
}
