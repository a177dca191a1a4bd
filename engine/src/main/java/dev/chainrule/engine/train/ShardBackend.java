package dev.chainrule.engine.train;

import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.network.Network;
import jakarta.inject.Singleton;

/**
 * The engine's choice of {@link ShardGradients.Factory}: {@link ShardGradients#LOCAL} unless a front end sets
 * another ({@code runner train --spark MASTER} sets the spark module's).
 */
@Singleton
public class ShardBackend implements ShardGradients.Factory {
    private volatile ShardGradients.Factory factory = ShardGradients.LOCAL;

    public void use(ShardGradients.Factory f) {
        this.factory = f;
    }

    /** True once a front end chose a backend other than this JVM. */
    public boolean distributed() {
        return factory != ShardGradients.LOCAL;
    }

    @Override
    public ShardGradients open(RunConfig config, Network network, Samples train) {
        return factory.open(config, network, train);
    }
}
