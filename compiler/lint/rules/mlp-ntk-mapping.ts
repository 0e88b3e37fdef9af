// GTV0807 mlp-ntk-mapping: an mlp model beside an ntk model of the same data and forward process,
// or with its own NTK theory (effective_sde, V-kernel maps of the mlp), trained in a way the NTK
// model does not describe. The NTK model is gradient flow on one fixed DSM
// set; in NTK parametrization full-batch gradient descent at rate lr for n steps approaches it at
// tau = lr x n as the width grows, and nothing else does (compiler/codes/lint.ts explains each
// departure).
import { LINT } from '../../codes/lint.js';
import { nodesOf } from '../geometry.js';
import type { Finding, LintRule } from '../types.js';

export const mlpNtkMapping: LintRule<typeof LINT.mlpNtkMapping> = {
  code: LINT.mlpNtkMapping,
  check({ cell, src }) {
    const out: Finding[] = [];
    const models = nodesOf(cell, 'model');
    for (const m of models) {
      if (m.type !== 'mlp') continue;
      const beside = models.find((n) => n.type === 'ntk' && n.data === m.data && n.forward === m.forward);
      // The network's own theory: an effective_sde or V-kernel map of the mlp model itself.
      const own =
        nodesOf(cell, 'sample').find((n) => n.method === 'effective_sde' && n.model === m.name) ??
        nodesOf(cell, 'map').find((n) => n.model === m.name && n.quantity.startsWith('vkernel'));
      if (!beside && !own) continue;
      const theoryText = beside
        ? `beside the NTK model \`${beside.name}\``
        : `with its own NTK theory \`${own!.name}\``;
      const off: { what: string; arg: string }[] = [];
      if (m.optimizer === 'adam')
        off.push({ what: 'adam (no single training time tau fits its steps)', arg: 'optimizer' });
      if (m.samples === 0) off.push({ what: 'online samples (the NTK model trains on one fixed set)', arg: 'samples' });
      else if (m.batch < m.samples)
        off.push({ what: `mini-batches of ${m.batch} < P = ${m.samples} (gradient noise)`, arg: 'batch' });
      if (m.weight_decay > 0)
        off.push({ what: 'weight decay (towards zero, not the initialization)', arg: 'weight_decay' });
      if (!m.center) off.push({ what: 'no centring (the theory takes the initial function as zero)', arg: 'center' });
      if (!off.length) continue;
      out.push({
        message:
          `\`${m.name}\` is set ${theoryText} but trains with ` +
          `${off.map((o) => o.what).join(', ')}: the NTK mapping tau = lr x steps is for gradient descent on a fixed set`,
        span: src.argSpan(m.name, off[0].arg),
        hint: `use optimizer = "sgd", samples = P, batch >= P and center = true, then tau = lr x steps (here ${m.lr * m.steps})`,
      });
    }
    return out;
  },
};
