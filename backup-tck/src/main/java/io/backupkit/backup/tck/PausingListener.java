package io.backupkit.backup.tck;

import io.backupkit.backup.BackupListener;
import io.backupkit.backup.Phase;

/**
 * The listener of a child process a test kills: prints {@code PHASE <phase> START|END} and, at the
 * pause point ({@code <PHASE>:START} or {@code <PHASE>:END}), {@code PAUSED <point>}, then waits there
 * on the operation's thread until the process is killed or interrupted (the operation sees the
 * interrupt).
 */
final class PausingListener implements BackupListener {
    private final String pauseAt;

    PausingListener(String pauseAt) {
        this.pauseAt = pauseAt;
    }

    @Override
    public void phaseStarted(Phase phase, long expectedBytes) {
        at(phase, "START");
    }

    @Override
    public void phaseFinished(Phase phase) {
        at(phase, "END");
    }

    private void at(Phase phase, String edge) {
        System.out.println("PHASE " + phase + " " + edge);
        if ((phase + ":" + edge).equals(pauseAt)) {
            System.out.println("PAUSED " + pauseAt);
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
