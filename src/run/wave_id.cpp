#include "run/wave_id.hpp"

namespace wave::run {

WaveId WaveId::of(const State& state, const WaveRun& wave) {
  return {static_cast<std::size_t>(&wave - state.waves.data()), wave.label, wave.started_at};
}

const WaveRun* WaveId::find(const State& state) const {
  if (index >= state.waves.size()) {
    return nullptr;
  }
  const WaveRun& w = state.waves[index];
  return w.label == label && w.started_at == started_at ? &w : nullptr;
}

WaveRun* WaveId::find(State& state) const {
  return const_cast<WaveRun*>(
      static_cast<const WaveId*>(this)->find(static_cast<const State&>(state)));
}

} // namespace wave::run
