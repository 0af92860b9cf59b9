#include "gate/wave_id.hpp"

namespace wave::gate {

WaveId WaveId::of(const run::State& state, const run::WaveRun& wave) {
  return {static_cast<std::size_t>(&wave - state.waves.data()), wave.label, wave.started_at};
}

const run::WaveRun* WaveId::find(const run::State& state) const {
  if (index >= state.waves.size()) {
    return nullptr;
  }
  const run::WaveRun& w = state.waves[index];
  return w.label == label && w.started_at == started_at ? &w : nullptr;
}

run::WaveRun* WaveId::find(run::State& state) const {
  return const_cast<run::WaveRun*>(
      static_cast<const WaveId*>(this)->find(static_cast<const run::State&>(state)));
}

} // namespace wave::gate
